#include "core/ops/linear.h"

#include "core/autograd.h"
#include "core/error.h"
#include "core/gemm.h"
#include "core/ops/conv_common.h"
#include "core/ops/device_dispatch.h"
#include "core/ops/linear_opencl.h"

namespace splitleak::ops {

Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias) {
  check_dim(x, 2, "linear input");
  check_dim(weight, 2, "linear weight");
  const int64_t n = x.size(0), in = x.size(1), out = weight.size(0);
  check(weight.size(1) == in, "linear: weight " + shape_str(weight.shape()) + " does not fit input " + shape_str(x.shape()));
  check(!bias.defined() || (bias.dim() == 1 && bias.size(0) == out),
        "linear: bias must have shape [" + std::to_string(out) + "]");
  if (on_device("linear", {&x, &weight, &bias})) {
    Tensor y = opencl_impl::linear(x, weight, bias);
    return autograd::record(y, {x, weight, bias}, "linear", [x, weight](const Tensor& gy, std::span<Tensor> gi) {
      opencl_impl::linear_backward(x, weight, gy, gi[0], gi[1], gi[2]);
    });
  }
  Tensor y = Tensor::empty({n, out});
  gemm(false, true, n, out, in, 1.0f, x.data(), in, weight.data(), in, 0.0f, y.data(), out);
  if (bias.defined()) detail::add_bias(y.data(), bias.data(), n, out, 1);
  return autograd::record(y, {x, weight, bias}, "linear", [x, weight](const Tensor& gy, std::span<Tensor> gi) {
    const int64_t n = x.size(0), in = x.size(1), out = weight.size(0);
    // gx (N x in) += gy (N x out) * W (out x in)
    if (gi[0].defined()) gemm(false, false, n, in, out, 1.0f, gy.data(), out, weight.data(), in, 1.0f, gi[0].data(), in);
    // gW (out x in) += gy^T (out x N) * x (N x in)
    if (gi[1].defined()) gemm(true, false, out, in, n, 1.0f, gy.data(), out, x.data(), in, 1.0f, gi[1].data(), in);
    if (gi[2].defined()) detail::accumulate_bias_grad(gy.data(), gi[2].data(), n, out, 1);
  });
}

}  // namespace splitleak::ops
