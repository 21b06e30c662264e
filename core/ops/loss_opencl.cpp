#include "core/ops/loss_opencl.h"

#include "core/opencl/launch.h"
#include "core/ops/reduce_opencl.h"

namespace splitleak::ops::opencl_impl {
namespace {

const char* kProgram = "loss";
const char* kSource = R"CLC(
__kernel void pick_mean_negative(__global const float* logp, uint logp_off, __global const float* labels, uint labels_off,
                                 uint n, uint c, __global float* out, uint out_off) {
  float acc = 0.0f;
  for (uint i = 0; i < n; ++i) acc -= logp[logp_off + i * c + (uint)labels[labels_off + i]];
  out[out_off] = acc / n;
}

__kernel void pick_backward(__global const float* labels, uint labels_off, __global const float* gy, uint gy_off, uint n,
                            uint c, __global float* g, uint g_off) {
  const uint i = get_global_id(0);
  g[g_off + i * c + (uint)labels[labels_off + i]] -= gy[gy_off] / n;
}

// Per element: the squared differences to its lower and right neighbours.
__kernel void tv_terms(__global const float* x, uint x_off, __global float* t, uint t_off, uint h, uint w) {
  const uint i = get_global_id(0), c = i % w, r = (i / w) % h;
  const float v = x[x_off + i];
  float s = 0.0f;
  if (r + 1 < h) s += (x[x_off + i + w] - v) * (x[x_off + i + w] - v);
  if (c + 1 < w) s += (x[x_off + i + 1] - v) * (x[x_off + i + 1] - v);
  t[t_off + i] = s;
}

// gx += scale * gy * d/dx of the element's four neighbour terms, scale = 2 / N.
__kernel void tv_backward(__global const float* x, uint x_off, __global const float* gy, uint gy_off, float scale,
                          __global float* gx, uint gx_off, uint h, uint w) {
  const uint i = get_global_id(0), c = i % w, r = (i / w) % h;
  const float v = x[x_off + i];
  float d = 0.0f;
  if (r + 1 < h) d -= x[x_off + i + w] - v;
  if (c + 1 < w) d -= x[x_off + i + 1] - v;
  if (r > 0) d += v - x[x_off + i - w];
  if (c > 0) d += v - x[x_off + i - 1];
  gx[gx_off + i] += scale * gy[gy_off] * d;
}
)CLC";

cl::Kernel& kernel(const Tensor& t, const char* name) { return opencl::context_of(t).kernel(kProgram, kSource, name); }
cl_uint u(int64_t v) { return static_cast<cl_uint>(v); }

}  // namespace

Tensor pick_mean_negative(const Tensor& logp, const Tensor& labels) {
  Tensor out = Tensor::empty({}, logp.device());
  opencl::launch(opencl::context_of(logp), kernel(logp, "pick_mean_negative"), 1, logp, labels, u(logp.size(0)),
                 u(logp.size(1)), out);
  return out;
}

void pick_mean_negative_backward(const Tensor& labels, const Tensor& gy, int64_t classes, Tensor& glogp) {
  opencl::launch(opencl::context_of(gy), kernel(gy, "pick_backward"), static_cast<size_t>(labels.numel()), labels, gy,
                 u(labels.numel()), u(classes), glogp);
}

Tensor total_variation(const Tensor& x) {
  Tensor terms = Tensor::empty(x.shape(), x.device());
  opencl::launch(opencl::context_of(x), kernel(x, "tv_terms"), static_cast<size_t>(x.numel()), x, terms, u(x.size(2)),
                 u(x.size(3)));
  return scaled_sum(Term::value, terms, terms, 1.0f / static_cast<float>(x.size(0)));
}

void total_variation_backward(const Tensor& x, const Tensor& gy, Tensor& gx) {
  opencl::launch(opencl::context_of(x), kernel(x, "tv_backward"), static_cast<size_t>(x.numel()), x, gy,
                 2.0f / static_cast<float>(x.size(0)), gx, u(x.size(2)), u(x.size(3)));
}

}  // namespace splitleak::ops::opencl_impl
