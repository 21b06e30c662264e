#include "core/ops/activation_opencl.h"

#include "core/opencl/launch.h"

namespace splitleak::ops::opencl_impl {
namespace {

const char* kProgram = "activation";
// Codes follow the Activation enum; derivatives at kinks are torch's (core/ops/activation.h).
const char* kSource = R"CLC(
float act(uint f, float v, float a, float b) {
  switch (f) {
    case 0: return v > 0.0f ? v : 0.0f;
    case 1: return v < a ? a : (v > b ? b : v);
    case 2: return v > 0.0f ? v : v * a;
    case 3: return 1.0f / (1.0f + exp(-v));
    case 4: return tanh(v);
    case 5: return v / (1.0f + exp(-v));
    case 6: return v <= -3.0f ? 0.0f : (v >= 3.0f ? v : v * (v + 3.0f) / 6.0f);
    case 7: return v <= -3.0f ? 0.0f : (v >= 3.0f ? 1.0f : v / 6.0f + 0.5f);
    default: return v > 0.0f ? pow(v, a) : 0.0f;
  }
}

float dact(uint f, float v, float y, float a, float b) {
  switch (f) {
    case 0: return v > 0.0f ? 1.0f : 0.0f;
    case 1: return (v >= a && v <= b) ? 1.0f : 0.0f;
    case 2: return v > 0.0f ? 1.0f : a;
    case 3: return y * (1.0f - y);
    case 4: return 1.0f - y * y;
    case 5: {
      const float s = 1.0f / (1.0f + exp(-v));
      return s * (1.0f + v * (1.0f - s));
    }
    case 6: return v < -3.0f ? 0.0f : (v <= 3.0f ? v / 3.0f + 0.5f : 1.0f);
    case 7: return (v > -3.0f && v < 3.0f) ? 1.0f / 6.0f : 0.0f;
    default: return v > 0.0f ? a * y / v : 0.0f;
  }
}

__kernel void forward(uint f, float a, float b, __global const float* x, uint x_off, __global float* y, uint y_off) {
  const uint i = get_global_id(0);
  y[y_off + i] = act(f, x[x_off + i], a, b);
}

__kernel void backward(uint f, float a, float b, __global const float* x, uint x_off, __global const float* y, uint y_off,
                       __global const float* go, uint go_off, __global float* gx, uint gx_off) {
  const uint i = get_global_id(0);
  gx[gx_off + i] += go[go_off + i] * dact(f, x[x_off + i], y[y_off + i], a, b);
}
)CLC";

}  // namespace

Tensor activation_forward(Activation f, const Tensor& x, float a, float b) {
  Tensor y = Tensor::empty(x.shape(), x.device());
  opencl::Context& ctx = opencl::context_of(x);
  opencl::launch(ctx, ctx.kernel(kProgram, kSource, "forward"), static_cast<size_t>(x.numel()), static_cast<cl_uint>(f),
                 a, b, x, y);
  return y;
}

void activation_backward(Activation f, const Tensor& x, const Tensor& y, const Tensor& go, Tensor& gx, float a, float b) {
  opencl::Context& ctx = opencl::context_of(x);
  opencl::launch(ctx, ctx.kernel(kProgram, kSource, "backward"), static_cast<size_t>(x.numel()), static_cast<cl_uint>(f),
                 a, b, x, y, go, gx);
}

}  // namespace splitleak::ops::opencl_impl
