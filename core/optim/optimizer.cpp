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
    float* pp = p.data();
    const float* pg = g.data();
    float* m = exp_avg_[i].data();
    float* v = exp_avg_sq_[i].data();
    const bool decoupled = options.decoupled_weight_decay;
    const float eps = options.eps;
    // Element by element: any split over threads gives the same values.
    parallel_for(p.numel(), [=](int64_t begin, int64_t end) {
      for (int64_t j = begin; j < end; ++j) {
        float grad = pg[j];
        if (wd != 0.0f) {
          if (decoupled) pp[j] *= 1.0f - lr * wd;
          else grad += wd * pp[j];
        }
        m[j] = m[j] * b1 + (1.0f - b1) * grad;
        v[j] = v[j] * b2 + (1.0f - b2) * grad * grad;
        const float denom = std::sqrt(v[j]) / bias2_sqrt + eps;
        pp[j] -= step_size * (m[j] / denom);
      }
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
    const bool nesterov = options.nesterov;
    const float lr = lr_;
    // Element by element: any split over threads gives the same values.
    parallel_for(p.numel(), [=](int64_t begin, int64_t end) {
      for (int64_t j = begin; j < end; ++j) {
        float d = pg[j] + (wd != 0.0f ? wd * pp[j] : 0.0f);
        if (mu != 0.0f) {
          buf[j] = first ? d : buf[j] * mu + (1.0f - damp) * d;
          d = nesterov ? d + mu * buf[j] : buf[j];
        }
        pp[j] -= lr * d;
      }
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
