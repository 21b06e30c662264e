#include "core/optim/optimizer_opencl.h"

#include "core/opencl/launch.h"

namespace splitleak::optim::opencl_impl {
namespace {

const char* kProgram = "optimizer";
const char* kSource = R"CLC(
#pragma OPENCL FP_CONTRACT OFF

__kernel void adam(__global float* p, uint p_off, __global const float* g, uint g_off, __global float* m, uint m_off,
                   __global float* v, uint v_off, float b1, float b2, float lr, float wd, uint decoupled, float eps,
                   float bias2_sqrt, float step_size) {
  const uint j = get_global_id(0);
  float grad = g[g_off + j];
  if (wd != 0.0f) {
    if (decoupled) p[p_off + j] *= 1.0f - lr * wd;
    else grad += wd * p[p_off + j];
  }
  const float mj = m[m_off + j] * b1 + (1.0f - b1) * grad;
  const float vj = v[v_off + j] * b2 + (1.0f - b2) * grad * grad;
  m[m_off + j] = mj, v[v_off + j] = vj;
  const float denom = sqrt(vj) / bias2_sqrt + eps;
  p[p_off + j] -= step_size * (mj / denom);
}

__kernel void sgd(__global float* p, uint p_off, __global const float* g, uint g_off, __global float* buf, uint buf_off,
                  float mu, float wd, float damp, uint nesterov, float lr, uint first) {
  const uint j = get_global_id(0);
  float d = g[g_off + j] + (wd != 0.0f ? wd * p[p_off + j] : 0.0f);
  if (mu != 0.0f) {
    const float b = first ? d : buf[buf_off + j] * mu + (1.0f - damp) * d;
    buf[buf_off + j] = b;
    d = nesterov ? d + mu * b : b;
  }
  p[p_off + j] -= lr * d;
}
)CLC";

}  // namespace

void adam_update(Tensor& p, const Tensor& g, Tensor& m, Tensor& v, const AdamOptions& o, float lr, float bias2_sqrt,
                 float step_size) {
  opencl::Context& ctx = opencl::context_of(p);
  opencl::launch(ctx, ctx.kernel(kProgram, kSource, "adam"), static_cast<size_t>(p.numel()), p, g, m, v, o.beta1, o.beta2,
                 lr, o.weight_decay, static_cast<cl_uint>(o.decoupled_weight_decay), o.eps, bias2_sqrt, step_size);
}

void sgd_update(Tensor& p, const Tensor& g, Tensor& buffer, const SgdOptions& o, float lr, bool first) {
  opencl::Context& ctx = opencl::context_of(p);
  opencl::launch(ctx, ctx.kernel(kProgram, kSource, "sgd"), static_cast<size_t>(p.numel()), p, g, buffer, o.momentum,
                 o.weight_decay, o.dampening, static_cast<cl_uint>(o.nesterov), lr, static_cast<cl_uint>(first));
}

}  // namespace splitleak::optim::opencl_impl
