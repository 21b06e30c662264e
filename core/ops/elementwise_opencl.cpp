#include "core/ops/elementwise_opencl.h"

#include <array>

#include "core/opencl/launch.h"

namespace splitleak::ops::opencl_impl {
namespace {

const char* kProgram = "elementwise";
const char* kSource = R"CLC(
// i -> (n, c, h, w) of a right-aligned 4-D shape (d1, d2, d3 the inner sizes).
#define UNRAVEL(i, d1, d2, d3) uint w = i % d3, h = (i / d3) % d2, c = (i / (d3 * d2)) % d1, n = i / (d3 * d2 * d1)

__kernel void binary(uint op, __global const float* a, uint a_off, __global const float* b, uint b_off,
                     __global float* out, uint out_off, uint d1, uint d2, uint d3,
                     uint sa0, uint sa1, uint sa2, uint sa3, uint sb0, uint sb1, uint sb2, uint sb3) {
  const uint i = get_global_id(0);
  UNRAVEL(i, d1, d2, d3);
  const float x = a[a_off + n * sa0 + c * sa1 + h * sa2 + w * sa3];
  const float y = b[b_off + n * sb0 + c * sb1 + h * sb2 + w * sb3];
  out[out_off + i] = op == 0 ? x + y : (op == 1 ? x - y : x * y);
}

__kernel void affine(__global const float* x, uint x_off, __global float* out, uint out_off, float s, float t) {
  const uint i = get_global_id(0);
  out[out_off + i] = x[x_off + i] * s + t;
}

__kernel void add_scaled(__global float* acc, uint acc_off, __global const float* g, uint g_off, float s) {
  const uint i = get_global_id(0);
  acc[acc_off + i] += s * g[g_off + i];
}

// acc (a0, a1, a2, a3) += g (g0, g1, g2, g3) summed over the dims where a_k = 1 < g_k.
__kernel void reduce_broadcast(__global float* acc, uint acc_off, __global const float* g, uint g_off,
                               uint a0, uint a1, uint a2, uint a3, uint g0, uint g1, uint g2, uint g3) {
  const uint i = get_global_id(0);
  UNRAVEL(i, a1, a2, a3);
  // On a dim where a_k = g_k the slice is the element's own index; where a_k = 1 (index 0) it is
  // all of g's.
  const uint n_end = a0 == g0 ? n + 1 : g0;
  const uint c_end = a1 == g1 ? c + 1 : g1, h_end = a2 == g2 ? h + 1 : g2, w_end = a3 == g3 ? w + 1 : g3;
  float sum = 0.0f;
  for (uint gn = n; gn < n_end; ++gn)
    for (uint gc = c; gc < c_end; ++gc)
      for (uint gh = h; gh < h_end; ++gh)
        for (uint gw = w; gw < w_end; ++gw) sum += g[g_off + ((gn * g1 + gc) * g2 + gh) * g3 + gw];
  acc[acc_off + i] += sum;
}
)CLC";

using Dims4 = std::array<cl_uint, 4>;

Dims4 right_aligned(const Shape& s) {
  check(s.size() <= 4, "broadcasting supports up to 4-D tensors, got shape " + shape_str(s));
  Dims4 d{1, 1, 1, 1};
  for (size_t i = 0; i < s.size(); ++i) d[4 - s.size() + i] = static_cast<cl_uint>(s[i]);
  return d;
}

// Strides of `s` read under the broadcast to `out`: 0 on broadcast dims.
Dims4 broadcast_strides(const Shape& s, const Dims4& out) {
  Dims4 d = right_aligned(s), st{};
  cl_uint stride = 1;
  for (int i = 3; i >= 0; --i) {
    st[i] = d[i] == out[i] ? stride : 0;
    stride *= d[i];
  }
  return st;
}

cl::Kernel& kernel(const Tensor& t, const char* name) { return opencl::context_of(t).kernel(kProgram, kSource, name); }

}  // namespace

Tensor broadcast_binary(const Tensor& a, const Tensor& b, const Shape& out_shape, Binary op) {
  if (a.shape() == b.shape() && a.dim() > 4)  // no broadcast: any rank, as one flat dimension
    return broadcast_binary(a.view({a.numel()}), b.view({b.numel()}), {a.numel()}, op).view(out_shape);
  Tensor out = Tensor::empty(out_shape, a.device());
  const Dims4 od = right_aligned(out_shape);
  const Dims4 sa = broadcast_strides(a.shape(), od), sb = broadcast_strides(b.shape(), od);
  opencl::launch(opencl::context_of(a), kernel(a, "binary"), static_cast<size_t>(out.numel()), static_cast<cl_uint>(op), a,
                 b, out, od[1], od[2], od[3], sa[0], sa[1], sa[2], sa[3], sb[0], sb[1], sb[2], sb[3]);
  return out;
}

Tensor affine_scalar(const Tensor& x, float s, float t) {
  Tensor out = Tensor::empty(x.shape(), x.device());
  opencl::launch(opencl::context_of(x), kernel(x, "affine"), static_cast<size_t>(x.numel()), x, out, s, t);
  return out;
}

void add_scaled_into(Tensor& acc, const Tensor& g, float s) {
  opencl::launch(opencl::context_of(acc), kernel(acc, "add_scaled"), static_cast<size_t>(acc.numel()), acc, g, s);
}

void reduce_broadcast_into(Tensor& acc, const Tensor& g) {
  const Dims4 gd = right_aligned(g.shape()), ad = right_aligned(acc.shape());
  opencl::launch(opencl::context_of(acc), kernel(acc, "reduce_broadcast"), static_cast<size_t>(acc.numel()), acc, g,
                 ad[0], ad[1], ad[2], ad[3], gd[0], gd[1], gd[2], gd[3]);
}

}  // namespace splitleak::ops::opencl_impl
