#include "core/optim/optimizer.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "core/optim/optimizer_opencl.h"
#include "core/parallel.h"
#include "core/profile.h"

namespace splitleak::optim {

void Optimizer::zero_grad() {
  for (auto& [name, p] : params_) p.zero_grad();
}

namespace {

Tensor find_state(const nn::NamedTensors& state, const std::string& name, const Shape& shape) {
  for (const auto& [n, t] : state)
    if (n == name) {
      check(t.shape() == shape, "optimizer state '" + name + "' has shape " + shape_str(t.shape()) + ", expected " +
                                    shape_str(shape));
      return t;  // on any device: callers copy it to their state's device
    }
  throw Error("optimizer state '" + name + "' is missing");
}

// The coefficients of one Adam step, bias corrections folded in.
struct AdamStep {
  float b1, b2, lr, wd, eps, bias2_sqrt, step_size;
};

enum class Decay { None, L2, Decoupled };  // weight decay: none, added to the gradient, or AdamW's

// p[0, n) takes one Adam step from g; m and v (the moments) are updated in place. The buffers do
// not overlap and the coefficients are locals, so the loop vectorises, sqrt included (-fno-math-errno).
template <Decay decay>
void adam_update(const AdamStep& c, int64_t n, float* __restrict p, const float* __restrict g, float* __restrict m,
                 float* __restrict v) {
  const float b1 = c.b1, b2 = c.b2, eps = c.eps, bias2_sqrt = c.bias2_sqrt, step_size = c.step_size, wd = c.wd;
  const float keep = 1.0f - c.lr * c.wd;
  for (int64_t j = 0; j < n; ++j) {
    float grad = g[j];
    if constexpr (decay == Decay::L2) grad += wd * p[j];
    if constexpr (decay == Decay::Decoupled) p[j] *= keep;
    const float mj = m[j] * b1 + (1.0f - b1) * grad;
    const float vj = v[j] * b2 + (1.0f - b2) * grad * grad;
    m[j] = mj;
    v[j] = vj;
    p[j] -= step_size * (mj / (std::sqrt(vj) / bias2_sqrt + eps));
  }
}

// The coefficients of one SGD step; `first`: the momentum buffer starts from this step's d.
struct SgdStep {
  float lr, mu, wd, damp;
  bool nesterov, first;
};

// p[0, n) takes one SGD step from g; buf (the momentum) is updated in place when kMomentum. The
// buffers do not overlap and the coefficients are locals, so the loop vectorises.
template <bool kMomentum>
void sgd_update(const SgdStep& c, int64_t n, float* __restrict p, const float* __restrict g, float* __restrict buf) {
  const float lr = c.lr, mu = c.mu, wd = c.wd, damp = c.damp;
  const bool nesterov = c.nesterov, first = c.first;
  for (int64_t j = 0; j < n; ++j) {
    float d = g[j] + (wd != 0.0f ? wd * p[j] : 0.0f);
    if constexpr (kMomentum) {
      const float b = first ? d : buf[j] * mu + (1.0f - damp) * d;
      buf[j] = b;
      d = nesterov ? d + mu * b : b;
    }
    p[j] -= lr * d;
  }
}

}  // namespace

Adam::Adam(nn::NamedTensors params, const AdamOptions& o) : Optimizer(std::move(params), o.lr), options(o) {
  for (auto& [name, p] : params_) {
    exp_avg_.push_back(Tensor::zeros(p.shape(), p.device()));
    exp_avg_sq_.push_back(Tensor::zeros(p.shape(), p.device()));
  }
}

void Adam::step() {
  const profile::Span span("adam step");
  ++steps_;
  const float b1 = options.beta1, b2 = options.beta2, lr = lr_, wd = options.weight_decay;
  // Bias corrections in double, as torch computes them on Python floats.
  const double t = static_cast<double>(steps_);
  const float bias2_sqrt = static_cast<float>(std::sqrt(1.0 - std::pow(static_cast<double>(b2), t)));
  const float step_size = static_cast<float>(lr / (1.0 - std::pow(static_cast<double>(b1), t)));
  for (size_t i = 0; i < params_.size(); ++i) {
    Tensor& p = params_[i].second;
    Tensor g = p.grad();
    if (!g.defined()) continue;
    if (p.on_device()) {
      opencl_impl::adam_update(p, g, exp_avg_[i], exp_avg_sq_[i], options, lr, bias2_sqrt, step_size);
      continue;
    }
    const AdamStep coeffs{b1, b2, lr, wd, options.eps, bias2_sqrt, step_size};
    const Decay decay = wd == 0.0f ? Decay::None : options.decoupled_weight_decay ? Decay::Decoupled : Decay::L2;
    float* pp = p.data();
    const float* pg = g.data();
    float* m = exp_avg_[i].data();
    float* v = exp_avg_sq_[i].data();
    // Element by element: any split over threads gives the same values.
    parallel_for(p.numel(), [&](int64_t begin, int64_t end) {
      const int64_t n = end - begin;
      if (decay == Decay::None) adam_update<Decay::None>(coeffs, n, pp + begin, pg + begin, m + begin, v + begin);
      else if (decay == Decay::L2) adam_update<Decay::L2>(coeffs, n, pp + begin, pg + begin, m + begin, v + begin);
      else adam_update<Decay::Decoupled>(coeffs, n, pp + begin, pg + begin, m + begin, v + begin);
    });
  }
}

nn::NamedTensors Adam::state() const {
  nn::NamedTensors s{{"step", Tensor::scalar(static_cast<float>(steps_))}};
  for (size_t i = 0; i < params_.size(); ++i) {
    s.emplace_back("exp_avg/" + params_[i].first, exp_avg_[i]);
    s.emplace_back("exp_avg_sq/" + params_[i].first, exp_avg_sq_[i]);
  }
  return s;
}

void Adam::load_state(const nn::NamedTensors& state) {
  steps_ = static_cast<int64_t>(find_state(state, "step", {}).item());
  for (size_t i = 0; i < params_.size(); ++i) {
    const Shape& shape = params_[i].second.shape();
    const Device& device = exp_avg_[i].device();
    exp_avg_[i].copy_from(find_state(state, "exp_avg/" + params_[i].first, shape).to(device));
    exp_avg_sq_[i].copy_from(find_state(state, "exp_avg_sq/" + params_[i].first, shape).to(device));
  }
}

Sgd::Sgd(nn::NamedTensors params, const SgdOptions& o) : Optimizer(std::move(params), o.lr), options(o) {
  check(!o.nesterov || (o.momentum > 0.0f && o.dampening == 0.0f), "SGD: Nesterov needs momentum > 0 and no dampening");
  for (auto& [name, p] : params_) momentum_buffer_.push_back(Tensor::zeros(p.shape(), p.device()));
}

void Sgd::step() {
  const profile::Span span("sgd step");
  const bool first = steps_ == 0;
  ++steps_;
  const float mu = options.momentum, wd = options.weight_decay, damp = options.dampening;
  for (size_t i = 0; i < params_.size(); ++i) {
    Tensor& p = params_[i].second;
    Tensor g = p.grad();
    if (!g.defined()) continue;
    if (p.on_device()) {
      opencl_impl::sgd_update(p, g, momentum_buffer_[i], options, lr_, first);
      continue;
    }
    float* pp = p.data();
    const float* pg = g.data();
    float* buf = momentum_buffer_[i].data();
    const SgdStep coeffs{lr_, mu, wd, damp, options.nesterov, first};
    // Element by element: any split over threads gives the same values.
    parallel_for(p.numel(), [&](int64_t begin, int64_t end) {
      const int64_t n = end - begin;
      if (mu != 0.0f) sgd_update<true>(coeffs, n, pp + begin, pg + begin, buf + begin);
      else sgd_update<false>(coeffs, n, pp + begin, pg + begin, buf + begin);
    });
  }
}

nn::NamedTensors Sgd::state() const {
  nn::NamedTensors s{{"step", Tensor::scalar(static_cast<float>(steps_))}};
  for (size_t i = 0; i < params_.size(); ++i) s.emplace_back("momentum_buffer/" + params_[i].first, momentum_buffer_[i]);
  return s;
}

void Sgd::load_state(const nn::NamedTensors& state) {
  steps_ = static_cast<int64_t>(find_state(state, "step", {}).item());
  for (size_t i = 0; i < params_.size(); ++i)
    momentum_buffer_[i].copy_from(
        find_state(state, "momentum_buffer/" + params_[i].first, params_[i].second.shape()).to(momentum_buffer_[i].device()));
}

float LrSchedule::lr_at(int64_t step) const {
  if (kind == Kind::Constant) return base_lr;
  const double over = static_cast<double>(std::max<int64_t>(0, step + 1 - constant_steps));
  return static_cast<float>(base_lr * std::max(0.0, 1.0 - over / static_cast<double>(decay_steps + 1)));
}

}  // namespace splitleak::optim
