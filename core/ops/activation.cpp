#include "core/ops/activation.h"

#include <cmath>

#include "core/autograd.h"
#include "core/eigen.h"
#include "core/ops/activation_opencl.h"
#include "core/ops/device_dispatch.h"
#include "core/parallel.h"

namespace splitleak::ops {
namespace {

using opencl_impl::Activation;

// An activation as the OpenCL kernels name it: its code and parameters.
struct Kernel {
  Activation f;
  float a = 0.0f, b = 0.0f;
};

// The activation on x's OpenCL device, with the same backward contract.
Tensor on_opencl(const Tensor& x, const char* name, Kernel k) {
  Tensor out = opencl_impl::activation_forward(k.f, x, k.a, k.b);
  return autograd::record(out, {x}, name, [x, y = out.detach(), k](const Tensor& go, std::span<Tensor> gi) {
    opencl_impl::activation_backward(k.f, x, y, go, gi[0], k.a, k.b);
  });
}

// out[0, n) = f(in). f is a copy and the buffers do not overlap, so the loop vectorises (a
// parameter captured by f is not re-read after every store).
template <typename F>
void map_values(F f, const float* __restrict in, float* __restrict out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = f(in[i]);
}

// g[0, n) += go * df(x, y), over buffers that do not overlap.
template <typename DF>
void add_grad_values(DF df, const float* __restrict x, const float* __restrict y, const float* __restrict go,
                     float* __restrict g, int64_t n) {
  for (int64_t i = 0; i < n; ++i) g[i] += go[i] * df(x[i], y[i]);
}

// out = f(x); the backward adds go * df(x, out). `k` computes the same on an OpenCL device.
template <typename F, typename DF>
Tensor pointwise(const Tensor& x, const char* name, Kernel k, F f, DF df) {
  if (on_device(name, {&x})) return on_opencl(x, name, k);
  Tensor out = Tensor::empty(x.shape());
  const float* px = x.data();
  float* po = out.data();
  parallel_for(x.numel(), [&](int64_t s, int64_t e) { map_values(f, px + s, po + s, e - s); });
  return autograd::record(out, {x}, name, [x, out_saved = out.detach(), df](const Tensor& go, std::span<Tensor> gi) {
    const float* px = x.data();
    const float* py = out_saved.data();
    const float* pgo = go.data();
    float* pg = gi[0].data();
    parallel_for(go.numel(), [&](int64_t s, int64_t e) { add_grad_values(df, px + s, py + s, pgo + s, pg + s, e - s); });
  });
}

// Like pointwise, with the forward over whole blocks (Eigen's vectorised exp): block(in, out, n)
// assigns out[0..n) from in[0..n); the backward adds go * grad_block's values (also per block).
template <typename Block, typename GradBlock>
Tensor pointwise_blocks(const Tensor& x, const char* name, Kernel k, Block block, GradBlock grad_block) {
  if (on_device(name, {&x})) return on_opencl(x, name, k);
  Tensor out = Tensor::empty(x.shape());
  const float* px = x.data();
  float* po = out.data();
  parallel_for(x.numel(), [&](int64_t s, int64_t e) { block(px + s, po + s, e - s); });
  return autograd::record(out, {x}, name, [x, grad_block](const Tensor& go, std::span<Tensor> gi) {
    const float* px = x.data();
    const float* pgo = go.data();
    float* pg = gi[0].data();
    parallel_for(go.numel(), [&](int64_t s, int64_t e) { grad_block(px + s, pgo + s, pg + s, e - s); });
  });
}

using Array = Eigen::Array<float, Eigen::Dynamic, 1>;
using ConstArrayMap = Eigen::Map<const Array>;
using ArrayMap = Eigen::Map<Array>;

}  // namespace

Tensor relu(const Tensor& x) {
  return pointwise(
      x, "relu", {Activation::relu}, [](float v) { return v > 0.0f ? v : 0.0f; }, [](float v, float) { return v > 0.0f ? 1.0f : 0.0f; });
}

Tensor clamp(const Tensor& x, float lo, float hi) {
  return pointwise(
      x, "clamp", {Activation::clamp, lo, hi}, [lo, hi](float v) { return v < lo ? lo : (v > hi ? hi : v); },
      [lo, hi](float v, float) { return (v >= lo && v <= hi) ? 1.0f : 0.0f; });
}

Tensor leaky_relu(const Tensor& x, float slope) {
  return pointwise(
      x, "leaky_relu", {Activation::leaky_relu, slope}, [slope](float v) { return v > 0.0f ? v : v * slope; },
      [slope](float v, float) { return v > 0.0f ? 1.0f : slope; });
}

Tensor sigmoid(const Tensor& x) {
  return pointwise_blocks(
      x, "sigmoid", {Activation::sigmoid},
      [](const float* in, float* out, int64_t n) { ArrayMap(out, n) = 1.0f / (1.0f + (-ConstArrayMap(in, n)).exp()); },
      [](const float* in, const float* go, float* g, int64_t n) {
        const Array s = 1.0f / (1.0f + (-ConstArrayMap(in, n)).exp());
        ArrayMap(g, n) += ConstArrayMap(go, n) * s * (1.0f - s);
      });
}

Tensor tanh(const Tensor& x) {
  return pointwise(
      x, "tanh", {Activation::tanh}, [](float v) { return std::tanh(v); }, [](float, float y) { return 1.0f - y * y; });
}

Tensor silu(const Tensor& x) {
  // y = x * sigmoid(x); dy/dx = s * (1 + x * (1 - s)), s = sigmoid(x).
  return pointwise_blocks(
      x, "silu", {Activation::silu},
      [](const float* in, float* out, int64_t n) {
        const ConstArrayMap v(in, n);
        ArrayMap(out, n) = v / (1.0f + (-v).exp());
      },
      [](const float* in, const float* go, float* g, int64_t n) {
        const ConstArrayMap v(in, n);
        const Array s = 1.0f / (1.0f + (-v).exp());
        ArrayMap(g, n) += ConstArrayMap(go, n) * s * (1.0f + v * (1.0f - s));
      });
}

Tensor hardswish(const Tensor& x) {
  return pointwise(
      x, "hardswish", {Activation::hardswish},
      [](float v) { return v <= -3.0f ? 0.0f : (v >= 3.0f ? v : v * (v + 3.0f) / 6.0f); },
      [](float v, float) { return v < -3.0f ? 0.0f : (v <= 3.0f ? v / 3.0f + 0.5f : 1.0f); });
}

Tensor hardsigmoid(const Tensor& x) {
  return pointwise(
      x, "hardsigmoid", {Activation::hardsigmoid}, [](float v) { return v <= -3.0f ? 0.0f : (v >= 3.0f ? 1.0f : v / 6.0f + 0.5f); },
      [](float v, float) { return (v > -3.0f && v < 3.0f) ? 1.0f / 6.0f : 0.0f; });
}

Tensor power(const Tensor& x, float exponent) {
  return pointwise(
      x, "power", {Activation::power, exponent}, [exponent](float v) { return v > 0.0f ? std::pow(v, exponent) : 0.0f; },
      [exponent](float v, float y) { return v > 0.0f ? exponent * y / v : 0.0f; });
}

}  // namespace splitleak::ops
