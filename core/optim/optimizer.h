#pragma once
// Optimizers update named parameters in place from their accumulated grad(). State is exposed as
// named tensors so checkpoints can save and restore it (core/checkpoint.h).
#include <string>

#include "core/nn/module.h"

namespace splitleak::optim {

class Optimizer {
 public:
  Optimizer(nn::NamedTensors params, float lr) : params_(std::move(params)), lr_(lr) {}
  virtual ~Optimizer() = default;
  // One update of every parameter that has a gradient.
  virtual void step() = 0;
  void zero_grad();
  float lr() const { return lr_; }
  void set_lr(float lr) { lr_ = lr; }
  int64_t steps() const { return steps_; }
  // Named state tensors ("step", "<slot>/<param name>"); load_state restores them by name and
  // throws Error naming the first missing or mis-shaped entry.
  virtual nn::NamedTensors state() const = 0;
  virtual void load_state(const nn::NamedTensors& state) = 0;

 protected:
  nn::NamedTensors params_;
  float lr_;
  int64_t steps_ = 0;
};

struct AdamOptions {
  float lr = 1e-3f, beta1 = 0.9f, beta2 = 0.999f, eps = 1e-8f, weight_decay = 0.0f;
  bool decoupled_weight_decay = false;  // AdamW
};

// torch.optim.Adam (and AdamW with decoupled_weight_decay): bias-corrected moments,
// p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps).
class Adam : public Optimizer {
 public:
  Adam(nn::NamedTensors params, const AdamOptions& options);
  void step() override;
  nn::NamedTensors state() const override;
  void load_state(const nn::NamedTensors& state) override;
  AdamOptions options;

 private:
  std::vector<Tensor> exp_avg_, exp_avg_sq_;
};

struct SgdOptions {
  float lr = 1e-2f, momentum = 0.0f, dampening = 0.0f, weight_decay = 0.0f;
  bool nesterov = false;
};

// torch.optim.SGD: buf = momentum * buf + (1 - dampening) * g (buf = g on the first step);
// update g + momentum * buf with Nesterov, buf without.
class Sgd : public Optimizer {
 public:
  Sgd(nn::NamedTensors params, const SgdOptions& options);
  void step() override;
  nn::NamedTensors state() const override;
  void load_state(const nn::NamedTensors& state) override;
  SgdOptions options;

 private:
  std::vector<Tensor> momentum_buffer_;
};

// Learning rate per step: constant, or constant for `constant_steps` then linear decay to 0 over
// `decay_steps` (pix2pix's rule: factor 1 - max(0, step + 1 - constant_steps) / (decay_steps + 1)).
struct LrSchedule {
  enum class Kind { Constant, LinearDecay };
  Kind kind = Kind::Constant;
  float base_lr = 1e-3f;
  int64_t constant_steps = 0, decay_steps = 0;
  float lr_at(int64_t step) const;
};

}  // namespace splitleak::optim
