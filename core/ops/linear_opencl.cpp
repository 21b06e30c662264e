#include "core/ops/linear_opencl.h"

#include "core/opencl/blas.h"
#include "core/opencl/launch.h"
#include "core/ops/elementwise_opencl.h"

namespace splitleak::ops::opencl_impl {
namespace {

cl_mem mem(const Tensor& t) { return opencl::buffer_of(t)(); }
size_t off(const Tensor& t) { return t.offset(); }

}  // namespace

Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias) {
  const size_t n = static_cast<size_t>(x.size(0)), in = static_cast<size_t>(x.size(1)), out = static_cast<size_t>(weight.size(0));
  const Shape shape{x.size(0), weight.size(0)};
  // y = bias on every row, then y += x W^T.
  Tensor y = bias.defined() ? broadcast_binary(Tensor::zeros(shape, x.device()), bias, shape, Binary::add)
                            : Tensor::empty(shape, x.device());
  opencl::Context& ctx = opencl::context_of(x);
  opencl::gemm(ctx, false, true, n, out, in, 1.0f, mem(x), off(x), in, mem(weight), off(weight), in, bias.defined() ? 1.0f : 0.0f,
               mem(y), off(y), out, "linear");
  return y;
}

void linear_backward(const Tensor& x, const Tensor& weight, const Tensor& gy, Tensor& gx, Tensor& gw, Tensor& gb) {
  const size_t n = static_cast<size_t>(x.size(0)), in = static_cast<size_t>(x.size(1)), out = static_cast<size_t>(weight.size(0));
  opencl::Context& ctx = opencl::context_of(x);
  if (gx.defined())  // gx (N x in) += gy (N x out) * W (out x in)
    opencl::gemm(ctx, false, false, n, in, out, 1.0f, mem(gy), off(gy), out, mem(weight), off(weight), in, 1.0f, mem(gx),
                 off(gx), in, "linear input gradient");
  if (gw.defined())  // gW (out x in) += gy^T (out x N) * x (N x in)
    opencl::gemm(ctx, true, false, out, in, n, 1.0f, mem(gy), off(gy), out, mem(x), off(x), in, 1.0f, mem(gw), off(gw), in,
                 "linear weight gradient");
  if (gb.defined()) reduce_broadcast_into(gb, gy);
}

}  // namespace splitleak::ops::opencl_impl
