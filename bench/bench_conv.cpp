// conv2d and conv_transpose2d, forward and backward (input + weight + bias gradients), at the
// shapes of bench/conv_shapes.h. Reports GFLOP/s; threads from SPLITLEAK_THREADS (default all).
#include <benchmark/benchmark.h>

#include <cstdlib>

#include "bench/conv_shapes.h"
#include "core/autograd.h"
#include "core/ops.h"
#include "core/parallel.h"
#include "core/random.h"

namespace splitleak::bench {
namespace {

struct ConvSetup {
  Tensor x, w, b;
  Tensor forward() const {
    return shape.transposed ? ops::conv_transpose2d(x, w, b, {{shape.stride, shape.stride}, {shape.padding, shape.padding}})
                            : ops::conv2d(x, w, b, {{shape.stride, shape.stride}, {shape.padding, shape.padding}});
  }
  ConvShape shape;
};

ConvSetup make(const ConvShape& s, bool grad) {
  Generator gen(1);
  ConvSetup c{Tensor::empty({s.batch, s.in_channels, s.size, s.size}),
              s.transposed ? Tensor::empty({s.in_channels, s.out_channels, s.kernel, s.kernel})
                           : Tensor::empty({s.out_channels, s.in_channels, s.kernel, s.kernel}),
              Tensor::empty({s.out_channels}), s};
  init::uniform_(c.x, -1, 1, gen), init::uniform_(c.w, -0.1f, 0.1f, gen), init::uniform_(c.b, -0.1f, 0.1f, gen);
  if (grad) c.x.set_requires_grad(true), c.w.set_requires_grad(true), c.b.set_requires_grad(true);
  return c;
}

void forward(benchmark::State& state, ConvShape s) {
  const ConvSetup c = make(s, false);
  autograd::NoGradGuard no_grad;
  for (auto _ : state) benchmark::DoNotOptimize(c.forward().data());
  state.counters["GFLOP/s"] = benchmark::Counter(conv_flops(s) / 1e9, benchmark::Counter::kIsIterationInvariantRate);
}

// Backward alone: the forward runs untimed each iteration.
void backward(benchmark::State& state, ConvShape s) {
  const ConvSetup c = make(s, true);
  for (auto _ : state) {
    state.PauseTiming();
    Tensor y = c.forward();
    Tensor gy = Tensor::ones(y.shape());
    state.ResumeTiming();
    autograd::grad(y, {c.x, c.w, c.b}, gy);
  }
  state.counters["GFLOP/s"] = benchmark::Counter(2 * conv_flops(s) / 1e9, benchmark::Counter::kIsIterationInvariantRate);
}

int register_all() {
  const char* env = std::getenv("SPLITLEAK_THREADS");
  set_num_threads(env ? std::atoi(env) : 0);
  for (const ConvShape& s : kConvShapes) {
    const std::string op = s.transposed ? "conv_transpose2d" : "conv2d";
    benchmark::RegisterBenchmark((op + "_forward/" + s.name).c_str(), forward, s)->Unit(benchmark::kMillisecond)->UseRealTime();
    benchmark::RegisterBenchmark((op + "_backward/" + s.name).c_str(), backward, s)->Unit(benchmark::kMillisecond)->UseRealTime();
  }
  return 0;
}

const int registered = register_all();

}  // namespace
}  // namespace splitleak::bench

BENCHMARK_MAIN();
