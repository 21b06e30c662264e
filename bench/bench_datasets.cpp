// Dataset loading: all 70,000 Fashion-MNIST images (train + test), native 28x28 and resized to
// 32x32. Threads from SPLITLEAK_THREADS (default all).
#include <benchmark/benchmark.h>

#include <cstdlib>

#include "core/parallel.h"
#include "datasets/fashion_mnist.h"

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

const int registered = [] {
  const char* env = std::getenv("SPLITLEAK_THREADS");
  set_num_threads(env ? std::atoi(env) : 0);
  benchmark::RegisterBenchmark("fashion_mnist_load_70000", fashion_mnist_all)
      ->Arg(28)
      ->Arg(32)
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime();
  return 0;
}();

}  // namespace
}  // namespace splitleak::bench

BENCHMARK_MAIN();
