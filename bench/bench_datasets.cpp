// Dataset loading: all 70,000 Fashion-MNIST images (train + test), native 28x28 and resized to
// 32x32. Threads from SPLITLEAK_THREADS (default all).
#include <benchmark/benchmark.h>

#include <cstdlib>

#include "core/parallel.h"
#include "datasets/fashion_mnist.h"
#include "datasets/image_folder.h"

#include <numeric>

namespace splitleak::bench {
namespace {

void fashion_mnist_all(benchmark::State& state) {
  datasets::FashionMnistOptions o;
  o.size = state.range(0);
  for (auto _ : state) {
    auto train = datasets::load_fashion_mnist(datasets::Part::Train, o);
    auto test = datasets::load_fashion_mnist(datasets::Part::Test, o);
    benchmark::DoNotOptimize(train.images.data());
    benchmark::DoNotOptimize(test.images.data());
  }
  state.counters["images/s"] = benchmark::Counter(70000, benchmark::Counter::kIsIterationInvariantRate);
}

// Decode + resize (shorter side 256) + center crop 224 of every image in the folder named by
// SPLITLEAK_BENCH_IMAGES (e.g. the colour set built with --patch 384), streamed in batches of 32.
void image_folder_224(benchmark::State& state) {
  const char* root = std::getenv("SPLITLEAK_BENCH_IMAGES");
  if (!root) {
    state.SkipWithError("set SPLITLEAK_BENCH_IMAGES to an image folder");
    return;
  }
  datasets::ImageFolderOptions o;
  o.root = root;
  datasets::ImageFolder folder(o);
  std::vector<int64_t> order(static_cast<size_t>(folder.size()));
  std::iota(order.begin(), order.end(), 0);
  for (auto _ : state) {
    auto stream = folder.stream(order, 32);
    while (auto batch = stream->next()) benchmark::DoNotOptimize(batch->images.data());
  }
  state.counters["images/s"] =
      benchmark::Counter(static_cast<double>(folder.size()), benchmark::Counter::kIsIterationInvariantRate);
}

const int registered = [] {
  const char* env = std::getenv("SPLITLEAK_THREADS");
  set_num_threads(env ? std::atoi(env) : 0);
  benchmark::RegisterBenchmark("fashion_mnist_load_70000", fashion_mnist_all)
      ->Arg(28)
      ->Arg(32)
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime();
  benchmark::RegisterBenchmark("image_folder_decode_resize_224", image_folder_224)->Unit(benchmark::kMillisecond)->UseRealTime();
  return 0;
}();

}  // namespace
}  // namespace splitleak::bench

BENCHMARK_MAIN();
