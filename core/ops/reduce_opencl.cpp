#include "core/ops/reduce_opencl.h"

#include "core/opencl/launch.h"

namespace splitleak::ops::opencl_impl {
namespace {

constexpr size_t kGroups = 64, kGroupSize = 64;

const char* kProgram = "reduce";
const char* kSource = R"CLC(
#define GROUP_SIZE 64
float term(uint f, float x, float t) {
  switch (f) {
    case 0: return x;
    case 1: return fabs(x - t);
    case 2: return (x - t) * (x - t);
    default: return fmax(x, 0.0f) - x * t + log1p(exp(-fabs(x)));
  }
}

float dterm(uint f, float x, float t) {
  switch (f) {
    case 0: return 1.0f;
    case 1: return x > t ? 1.0f : (x < t ? -1.0f : 0.0f);
    case 2: return 2.0f * (x - t);
    default: return 1.0f / (1.0f + exp(-x)) - t;
  }
}

// partial[group] = sum of term over the elements i = id, id + stride, ... of this group's items,
// folded by a tree in local memory.
__kernel void partial_sums(uint f, __global const float* x, uint x_off, __global const float* t, uint t_off, uint n,
                           __global float* partial, uint partial_off) {
  __local float scratch[GROUP_SIZE];
  const uint lid = get_local_id(0), stride = get_global_size(0);
  float sum = 0.0f;
  for (uint i = get_global_id(0); i < n; i += stride) sum += term(f, x[x_off + i], t[t_off + i]);
  scratch[lid] = sum;
  barrier(CLK_LOCAL_MEM_FENCE);
  for (uint half_size = GROUP_SIZE / 2; half_size > 0; half_size /= 2) {
    if (lid < half_size) scratch[lid] += scratch[lid + half_size];
    barrier(CLK_LOCAL_MEM_FENCE);
  }
  if (lid == 0) partial[partial_off + get_group_id(0)] = scratch[0];
}

// out = scale * (partial[0] + ... + partial[groups - 1]), in order.
__kernel void finish(__global const float* partial, uint partial_off, uint groups, float scale, __global float* out,
                     uint out_off) {
  float sum = 0.0f;
  for (uint g = 0; g < groups; ++g) sum += partial[partial_off + g];
  out[out_off] = scale * sum;
}

__kernel void backward(uint f, __global const float* x, uint x_off, __global const float* t, uint t_off,
                       __global const float* gy, uint gy_off, float scale, __global float* g, uint g_off) {
  const uint i = get_global_id(0);
  g[g_off + i] += scale * gy[gy_off] * dterm(f, x[x_off + i], t[t_off + i]);
}

// One work item per (outer, inner) row of C values, in order.
__kernel void softmax(__global const float* x, uint x_off, __global float* y, uint y_off, uint C, uint inner, uint log_out) {
  const uint r = get_global_id(0), base = (r / inner) * C * inner + r % inner;
  float mx = x[x_off + base];
  for (uint k = 1; k < C; ++k) mx = fmax(mx, x[x_off + base + k * inner]);
  float z = 0.0f;
  for (uint k = 0; k < C; ++k) z += exp(x[x_off + base + k * inner] - mx);
  const float logz = log(z) + mx;
  for (uint k = 0; k < C; ++k) {
    const float v = x[x_off + base + k * inner] - logz;
    y[y_off + base + k * inner] = log_out ? v : exp(v);
  }
}

// softmax: dx = y * (dy - sum_k dy_k y_k); log_softmax: dx = dy - exp(y) * sum_k dy_k.
__kernel void softmax_backward(__global const float* y, uint y_off, __global const float* gy, uint gy_off,
                               __global float* gx, uint gx_off, uint C, uint inner, uint log_out) {
  const uint r = get_global_id(0), base = (r / inner) * C * inner + r % inner;
  float s = 0.0f;
  for (uint k = 0; k < C; ++k) {
    const uint i = base + k * inner;
    s += log_out ? gy[gy_off + i] : gy[gy_off + i] * y[y_off + i];
  }
  for (uint k = 0; k < C; ++k) {
    const uint i = base + k * inner;
    gx[gx_off + i] += log_out ? gy[gy_off + i] - exp(y[y_off + i]) * s : y[y_off + i] * (gy[gy_off + i] - s);
  }
}
)CLC";

}  // namespace

Tensor scaled_sum(Term term, const Tensor& x, const Tensor& t, float scale) {
  opencl::Context& ctx = opencl::context_of(x);
  Tensor partial = Tensor::empty({static_cast<int64_t>(kGroups)}, x.device());
  Tensor out = Tensor::empty({}, x.device());
  opencl::launch_groups(ctx, ctx.kernel(kProgram, kSource, "partial_sums"), kGroups * kGroupSize, kGroupSize,
                        static_cast<cl_uint>(term), x, t, static_cast<cl_uint>(x.numel()), partial);
  opencl::launch(ctx, ctx.kernel(kProgram, kSource, "finish"), 1, partial, static_cast<cl_uint>(kGroups), scale, out);
  return out;
}

void scaled_sum_backward(Term term, const Tensor& x, const Tensor& t, const Tensor& gy, float scale, float sign, Tensor& g) {
  opencl::Context& ctx = opencl::context_of(x);
  opencl::launch(ctx, ctx.kernel(kProgram, kSource, "backward"), static_cast<size_t>(x.numel()), static_cast<cl_uint>(term),
                 x, t, gy, sign * scale, g);
}

Tensor softmax(const Tensor& x, int64_t outer, int64_t c, int64_t inner, bool log) {
  Tensor y = Tensor::empty(x.shape(), x.device());
  opencl::Context& ctx = opencl::context_of(x);
  opencl::launch(ctx, ctx.kernel(kProgram, kSource, "softmax"), static_cast<size_t>(outer * inner), x, y,
                 static_cast<cl_uint>(c), static_cast<cl_uint>(inner), static_cast<cl_uint>(log));
  return y;
}

void softmax_backward(const Tensor& y, const Tensor& gy, int64_t outer, int64_t c, int64_t inner, bool log, Tensor& gx) {
  opencl::Context& ctx = opencl::context_of(y);
  opencl::launch(ctx, ctx.kernel(kProgram, kSource, "softmax_backward"), static_cast<size_t>(outer * inner), y, gy, gx,
                 static_cast<cl_uint>(c), static_cast<cl_uint>(inner), static_cast<cl_uint>(log));
}

}  // namespace splitleak::ops::opencl_impl
