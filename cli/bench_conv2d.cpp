// `splitleak bench conv2d`: times one convolution (or transposed convolution) forward and
// backward on random data and prints key=value lines (median over iterations).
#include <cstdio>

#include "cli/commands.h"
#include "core/autograd.h"
#include "core/error.h"
#include "core/ops.h"
#include "core/parallel.h"
#include "core/random.h"

namespace splitleak::cli {
namespace {

struct ConvBenchOptions {
  int64_t batch = 8, in_channels = 64, out_channels = 64, size = 56, kernel = 3, stride = 1, padding = 1;
  bool transposed = false;
  int iters = 5;
};

int run_conv_bench(const ConvBenchOptions& o) {
  check(o.batch > 0 && o.in_channels > 0 && o.out_channels > 0 && o.size > 0 && o.kernel > 0 && o.stride > 0 &&
            o.padding >= 0 && o.iters > 0,
        "bench conv2d: sizes, channels, kernel, stride and iters must be positive, padding >= 0");
  Generator gen(1);
  Tensor x = Tensor::empty({o.batch, o.in_channels, o.size, o.size});
  Tensor w = o.transposed ? Tensor::empty({o.in_channels, o.out_channels, o.kernel, o.kernel})
                          : Tensor::empty({o.out_channels, o.in_channels, o.kernel, o.kernel});
  Tensor b = Tensor::zeros({o.out_channels});
  init::uniform_(x, -1, 1, gen), init::uniform_(w, -0.1f, 0.1f, gen);
  x.set_requires_grad(true), w.set_requires_grad(true), b.set_requires_grad(true);
  auto forward = [&] {
    return o.transposed ? ops::conv_transpose2d(x, w, b, {{o.stride, o.stride}, {o.padding, o.padding}})
                        : ops::conv2d(x, w, b, {{o.stride, o.stride}, {o.padding, o.padding}});
  };
  Tensor y = forward();  // warm-up, and the output shape
  const int64_t pixels = o.transposed ? o.size * o.size : y.size(2) * y.size(3);
  const double flops = 2.0 * o.batch * o.in_channels * o.out_channels * o.kernel * o.kernel * pixels;
  double fwd;
  {
    autograd::NoGradGuard no_grad;
    fwd = median_ms(o.iters, [&] { forward(); });
  }
  const Tensor gy = Tensor::ones(y.shape());
  const double bwd = median_ms(o.iters, [&] { autograd::grad(y, {x, w, b}, gy); });
  std::printf("op=%s\nthreads=%d\noutput_shape=%s\nms_per_forward=%.3f\ngflops_forward=%.1f\nms_per_backward=%.3f\n"
              "gflops_backward=%.1f\n",
              o.transposed ? "conv_transpose2d" : "conv2d", num_threads(), shape_str(y.shape()).c_str(), fwd,
              flops / fwd / 1e6, bwd, 2 * flops / bwd / 1e6);
  return 0;
}

const bool registered = add_bench(
    {"conv2d", "conv2d (or --transposed conv_transpose2d) forward and backward", [](CLI::App& conv) -> std::function<int()> {
       auto opts = std::make_shared<ConvBenchOptions>();
       conv.add_option("--batch", opts->batch, "Batch size")->capture_default_str();
       conv.add_option("--in-channels", opts->in_channels, "Input channels")->capture_default_str();
       conv.add_option("--out-channels", opts->out_channels, "Output channels")->capture_default_str();
       conv.add_option("--size", opts->size, "Input height and width")->capture_default_str();
       conv.add_option("--kernel", opts->kernel, "Kernel size")->capture_default_str();
       conv.add_option("--stride", opts->stride, "Stride")->capture_default_str();
       conv.add_option("--padding", opts->padding, "Padding")->capture_default_str();
       conv.add_flag("--transposed", opts->transposed, "Time conv_transpose2d instead");
       conv.add_option("--iters", opts->iters, "Timed iterations (median reported)")->capture_default_str();
       return [opts] { return run_conv_bench(*opts); };
     }});

}  // namespace
}  // namespace splitleak::cli
