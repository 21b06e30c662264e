#include "core/ops/norm_opencl.h"

#include "core/opencl/launch.h"

namespace splitleak::ops::opencl_impl {
namespace {

constexpr size_t kGroupSize = 64;

const char* kProgram = "norm";
const char* kSource = R"CLC(
#define GROUP_SIZE 64
#define LAYOUT uint C, uint inner, uint per_instance

// Element e of statistics group g: instance norm's plane g, or batch norm's channel g over N.
uint at(uint g, uint e, LAYOUT) { return per_instance ? g * inner + e : ((e / inner) * C + g) * inner + e % inner; }
// Statistics group of flat element i of (N, C, inner).
uint group_of(uint i, LAYOUT) { return per_instance ? i / inner : (i / inner) % C; }

// Folds each item's partial in local memory; every item returns the group's total.
float group_sum(float mine, __local float* scratch) {
  const uint lid = get_local_id(0);
  scratch[lid] = mine;
  barrier(CLK_LOCAL_MEM_FENCE);
  for (uint half_size = GROUP_SIZE / 2; half_size > 0; half_size /= 2) {
    if (lid < half_size) scratch[lid] += scratch[lid + half_size];
    barrier(CLK_LOCAL_MEM_FENCE);
  }
  const float total = scratch[0];
  barrier(CLK_LOCAL_MEM_FENCE);
  return total;
}

// One work group per statistics group: mean, biased variance, 1 / sqrt(var + eps).
__kernel void batch_stats(__global const float* x, uint x_off, uint count, float eps, LAYOUT,
                          __global float* mean, uint mean_off, __global float* var, uint var_off,
                          __global float* invstd, uint invstd_off) {
  __local float scratch[GROUP_SIZE];
  const uint g = get_group_id(0), lid = get_local_id(0);
  float s = 0.0f;
  for (uint e = lid; e < count; e += GROUP_SIZE) s += x[x_off + at(g, e, C, inner, per_instance)];
  const float m = group_sum(s, scratch) / count;
  float sq = 0.0f;
  for (uint e = lid; e < count; e += GROUP_SIZE) {
    const float d = x[x_off + at(g, e, C, inner, per_instance)] - m;
    sq += d * d;
  }
  const float v = group_sum(sq, scratch) / count;
  if (lid == 0) {
    mean[mean_off + g] = m;
    var[var_off + g] = v;
    invstd[invstd_off + g] = 1.0f / sqrt(v + eps);
  }
}

__kernel void update_running(__global float* rm, uint rm_off, __global float* rv, uint rv_off,
                             __global const float* mean, uint mean_off, __global const float* var, uint var_off,
                             float momentum, float unbias) {
  const uint c = get_global_id(0);
  rm[rm_off + c] = (1.0f - momentum) * rm[rm_off + c] + momentum * mean[mean_off + c];
  rv[rv_off + c] = (1.0f - momentum) * rv[rv_off + c] + momentum * var[var_off + c] * unbias;
}

__kernel void eval_stats(__global const float* rv, uint rv_off, float eps, __global float* invstd, uint invstd_off) {
  const uint c = get_global_id(0);
  invstd[invstd_off + c] = 1.0f / sqrt(rv[rv_off + c] + eps);
}

// y = (x - mean) * invstd * w + b (w, b per channel when has_w, has_b).
__kernel void normalize_groups(__global const float* x, uint x_off, __global const float* mean, uint mean_off,
                        __global const float* invstd, uint invstd_off, __global const float* w, uint w_off, uint has_w,
                        __global const float* b, uint b_off, uint has_b, LAYOUT, __global float* y, uint y_off) {
  const uint i = get_global_id(0), g = group_of(i, C, inner, per_instance), c = (i / inner) % C;
  const float scale = invstd[invstd_off + g] * (has_w ? w[w_off + c] : 1.0f);
  const float shift = (has_b ? b[b_off + c] : 0.0f) - mean[mean_off + g] * scale;
  y[y_off + i] = x[x_off + i] * scale + shift;
}

// One work group per statistics group: sum(dy) and sum(dy * xhat).
__kernel void grad_sums(__global const float* x, uint x_off, __global const float* gy, uint gy_off,
                        __global const float* mean, uint mean_off, __global const float* invstd, uint invstd_off,
                        uint count, LAYOUT, __global float* sum_dy, uint sdy_off, __global float* sum_dy_xhat,
                        uint sdyx_off) {
  __local float scratch[GROUP_SIZE];
  const uint g = get_group_id(0), lid = get_local_id(0);
  const float m = mean[mean_off + g], is = invstd[invstd_off + g];
  float a = 0.0f, b = 0.0f;
  for (uint e = lid; e < count; e += GROUP_SIZE) {
    const uint i = at(g, e, C, inner, per_instance);
    a += gy[gy_off + i];
    b += gy[gy_off + i] * (x[x_off + i] - m) * is;
  }
  a = group_sum(a, scratch);
  b = group_sum(b, scratch);
  if (lid == 0) sum_dy[sdy_off + g] = a, sum_dy_xhat[sdyx_off + g] = b;
}

// dx += w * invstd * (dy - mean(dy) - xhat * mean(dy * xhat)), the means only through_stats.
__kernel void input_grad(__global const float* x, uint x_off, __global const float* gy, uint gy_off,
                         __global const float* mean, uint mean_off, __global const float* invstd, uint invstd_off,
                         __global const float* w, uint w_off, uint has_w, __global const float* sum_dy, uint sdy_off,
                         __global const float* sum_dy_xhat, uint sdyx_off, uint count, uint through_stats, LAYOUT,
                         __global float* gx, uint gx_off) {
  const uint i = get_global_id(0), g = group_of(i, C, inner, per_instance), c = (i / inner) % C;
  const float is = invstd[invstd_off + g], k = is * (has_w ? w[w_off + c] : 1.0f);
  const float mdy = through_stats ? sum_dy[sdy_off + g] / count : 0.0f;
  const float mdyx = through_stats ? sum_dy_xhat[sdyx_off + g] / count : 0.0f;
  const float xhat = (x[x_off + i] - mean[mean_off + g]) * is;
  gx[gx_off + i] += k * (gy[gy_off + i] - mdy - xhat * mdyx);
}

// Per channel c: total += sums over the groups of c (groups k * C + c, k in order).
__kernel void channel_grad(__global const float* sums, uint sums_off, uint groups, uint C, __global float* total,
                           uint total_off) {
  const uint c = get_global_id(0);
  float s = 0.0f;
  for (uint g = c; g < groups; g += C) s += sums[sums_off + g];
  total[total_off + c] += s;
}
)CLC";

opencl::Context& ctx_of(const Tensor& t) { return opencl::context_of(t); }
cl::Kernel& kernel(const Tensor& t, const char* name) { return ctx_of(t).kernel(kProgram, kSource, name); }
cl_uint u(int64_t v) { return static_cast<cl_uint>(v); }

// Defined tensor or a stand-in bound with flag 0.
const Tensor& or_else(const Tensor& t, const Tensor& stand_in) { return t.defined() ? t : stand_in; }

Tensor normalize(const Tensor& x, const Tensor& weight, const Tensor& bias, const NormShape& s, const NormStats& st) {
  Tensor y = Tensor::empty(x.shape(), x.device());
  opencl::launch(ctx_of(x), kernel(x, "normalize_groups"), static_cast<size_t>(x.numel()), x, st.mean, st.invstd,
                 or_else(weight, x), u(weight.defined()), or_else(bias, x), u(bias.defined()), u(s.c), u(s.inner),
                 u(s.per_instance), y);
  return y;
}

}  // namespace

Tensor norm_train(const Tensor& x, const Tensor& weight, const Tensor& bias, const NormShape& s, float eps,
                  Tensor running_mean, Tensor running_var, float momentum, NormStats& st) {
  const int64_t groups = s.groups();
  st.mean = Tensor::empty({groups}, x.device()), st.invstd = Tensor::empty({groups}, x.device());
  Tensor var = Tensor::empty({groups}, x.device());
  opencl::launch_groups(ctx_of(x), kernel(x, "batch_stats"), static_cast<size_t>(groups) * kGroupSize, kGroupSize, x,
                        u(s.count()), eps, u(s.c), u(s.inner), u(s.per_instance), st.mean, var, st.invstd);
  if (running_mean.defined() && running_var.defined()) {
    const float unbias = static_cast<float>(static_cast<double>(s.count()) / static_cast<double>(s.count() - 1));
    opencl::launch(ctx_of(x), kernel(x, "update_running"), static_cast<size_t>(s.c), running_mean, running_var, st.mean,
                   var, momentum, unbias);
  }
  return normalize(x, weight, bias, s, st);
}

Tensor norm_eval(const Tensor& x, const Tensor& weight, const Tensor& bias, const NormShape& s, const Tensor& running_mean,
                 const Tensor& running_var, float eps, NormStats& st) {
  st.mean = running_mean.detach(), st.invstd = Tensor::empty({s.c}, x.device());
  opencl::launch(ctx_of(x), kernel(x, "eval_stats"), static_cast<size_t>(s.c), running_var, eps, st.invstd);
  return normalize(x, weight, bias, s, st);
}

void norm_backward(const Tensor& x, const Tensor& weight, const NormShape& s, const NormStats& st, bool through_stats,
                   const Tensor& gy, Tensor& gx, Tensor& gw, Tensor& gb) {
  const int64_t groups = s.groups();
  Tensor sum_dy = Tensor::empty({groups}, x.device()), sum_dy_xhat = Tensor::empty({groups}, x.device());
  opencl::launch_groups(ctx_of(x), kernel(x, "grad_sums"), static_cast<size_t>(groups) * kGroupSize, kGroupSize, x, gy,
                        st.mean, st.invstd, u(s.count()), u(s.c), u(s.inner), u(s.per_instance), sum_dy, sum_dy_xhat);
  if (gx.defined())
    opencl::launch(ctx_of(x), kernel(x, "input_grad"), static_cast<size_t>(x.numel()), x, gy, st.mean, st.invstd,
                   or_else(weight, x), u(weight.defined()), sum_dy, sum_dy_xhat, u(s.count()), u(through_stats), u(s.c),
                   u(s.inner), u(s.per_instance), gx);
  if (gw.defined())
    opencl::launch(ctx_of(x), kernel(x, "channel_grad"), static_cast<size_t>(s.c), sum_dy_xhat, u(groups), u(s.c), gw);
  if (gb.defined())
    opencl::launch(ctx_of(x), kernel(x, "channel_grad"), static_cast<size_t>(s.c), sum_dy, u(groups), u(s.c), gb);
}

}  // namespace splitleak::ops::opencl_impl
