#include "victim/ops/defence.h"

#include <cmath>

#include "core/autograd.h"
#include "core/error.h"
#include "core/ops/dropout.h"
#include "core/ops/elementwise.h"
#include "victim/graph.h"

namespace splitleak::victim::op {
namespace {

Generator& generator_of(const RunContext& c) {
  check(c.generator != nullptr,
        where(c.node) + ": a random defence needs a generator (the enclave's, or a seeded one in tests)");
  return *c.generator;
}

// The input's values on the host (a copy only when it lives on a device).
Tensor on_host(const Tensor& x) { return x.on_device() ? x.to(Device{}) : x; }

// The value of each element of `x` after quantisation to `levels` levels per channel.
Tensor quantized(const Tensor& x, const Tensor& lo, const Tensor& hi, int64_t levels) {
  const Tensor host = on_host(x);
  const int64_t channels = x.size(1), inner = x.numel() / (x.size(0) * channels);
  Tensor out = Tensor::empty(x.shape());
  const float *in = host.data(), *lo_c = lo.data(), *hi_c = hi.data();
  float* q = out.data();
  for (int64_t i = 0; i < x.numel(); ++i) {
    const int64_t ch = (i / inner) % channels;
    const float low = lo_c[ch], high = hi_c[ch];
    if (!(high > low)) {
      q[i] = low;
      continue;
    }
    const float step = (high - low) / static_cast<float>(levels - 1);
    const float level = std::nearbyint((std::min(std::max(in[i], low), high) - low) / step);
    q[i] = std::min(low + level * step, high);
  }
  return out;
}

}  // namespace

Shape GaussianNoise::infer(const ShapeContext& c) const {
  c.need_inputs(1);
  c.check(std::isfinite(sigma) && sigma >= 0.0f, "sigma must be a finite number >= 0, got " + std::to_string(sigma));
  return c.input();
}

Tensor GaussianNoise::run(const RunContext& c) const {
  Generator& gen = generator_of(c);
  const Tensor& x = c.input();
  Tensor noise = Tensor::empty(x.shape());
  float* n = noise.data();
  for (int64_t i = 0; i < noise.numel(); ++i) n[i] = sigma * static_cast<float>(gen.normal());
  return ops::add(x, noise.to(x.device()));
}

Shape FeatureDropout::infer(const ShapeContext& c) const {
  c.need_inputs(1);
  c.check(p >= 0.0f && p < 1.0f, "p must be in [0, 1)");
  return c.input();
}

Tensor FeatureDropout::run(const RunContext& c) const {
  return ops::dropout(c.input(), p, true, generator_of(c));
}

Shape Quantize::infer(const ShapeContext& c) const {
  c.need_inputs(1);
  c.check(bits >= 1 && bits <= 16, "bits must be in [1, 16], got " + std::to_string(bits));
  c.check(c.input().size() >= 2, "needs a channel dimension (N, C, ...)");
  const int64_t channels = c.input()[1];
  c.weight(0, channels, "lo"), c.weight(1, channels, "hi");
  return c.input();
}

Tensor Quantize::run(const RunContext& c) const {
  const Tensor& x = c.input();
  const Tensor q = quantized(x, on_host(c.weight(0)), on_host(c.weight(1)), int64_t{1} << bits);
  if (!(autograd::grad_enabled() && x.requires_grad())) return q.to(x.device());
  // Straight through: x + (q - x) as a constant, so the gradient is the identity.
  return ops::add(x, ops::sub(q, on_host(x).detach()).to(x.device()));
}

}  // namespace splitleak::victim::op
