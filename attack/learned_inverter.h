#pragma once
// What the learned attackers (cgan, inverse_net, gan_prior) share: seeded training batches,
// the learning-rate schedule, their state as checkpoint groups, save/load, and the training
// loop.
#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <vector>

#include "attack/attacker.h"
#include "attack/attacker_checkpoint.h"
#include "attack/step_budget.h"
#include "core/nn/module.h"
#include "core/optim/optimizer.h"

namespace splitleak::attack {

// `batch` row indices in [0, n) drawn as a function of (seed, step) alone.
std::vector<int64_t> batch_indices(int64_t n, int64_t batch, uint64_t seed, int64_t step);
// A seed for what step `step` draws at random (dropout masks, latent vectors).
uint64_t step_seed(uint64_t seed, int64_t step);
// Constant at lr, then linearly to 0 over the last decay_fraction of `steps`.
optim::LrSchedule decaying_schedule(double lr, double decay_fraction, int64_t steps);

class LearnedInverter : public Attacker {
 public:
  void save(const std::string& path) const override { write_attacker_checkpoint(path, kind(), steps_done_, state()); }
  int64_t state_bytes() const override {
    int64_t bytes = 0;
    for (const CheckpointGroup& group : state())
      for (const auto& [name, t] : group.tensors) bytes += t.numel() * static_cast<int64_t>(sizeof(float));
    return bytes;
  }
  void load(const std::string& path) override {
    std::map<std::string, nn::NamedTensors> states = optimizer_states();
    steps_done_ = read_attacker_checkpoint(path, kind(), model_groups(), &states);
    restore_optimizers(states);
  }

 protected:
  // Parameters and buffers of the networks (handles into them).
  virtual std::vector<CheckpointGroup> model_groups() const = 0;
  // The optimisers' states by group name, and their restoration from the same map.
  virtual std::map<std::string, nn::NamedTensors> optimizer_states() const = 0;
  virtual void restore_optimizers(const std::map<std::string, nn::NamedTensors>& states) = 0;

  // Continues from o.checkpoint when it exists (else from the steps already done), runs
  // `one_step(step, lr)` (returning the step's loss) at the rate of the step budget
  // (attack/step_budget.h: o.steps fixed, or automatic), evaluates where the budget says (then
  // puts `trained` back in train mode), checkpoints every o.checkpoint_every steps and at the end.
  template <typename Step>
  void training_loop(const FitOptions& o, nn::Module& trained, float base_lr, double decay_fraction, Step one_step) {
    if (!o.checkpoint.empty() && std::filesystem::exists(o.checkpoint)) load(o.checkpoint);
    StepBudget budget(o, decay_fraction);
    budget.resume(steps_done_);
    for (int64_t s = steps_done_; s < budget.total(); ++s) {
      const double loss = one_step(s, budget.lr_at(base_lr, s));
      steps_done_ = s + 1;
      if (o.progress) o.progress({s + 1, budget.total(), loss});
      if (o.evaluate && budget.evaluates_after(s + 1)) {
        o.evaluate(s + 1);
        trained.train();
      }
      budget.after_step(s + 1);
      const bool last = s + 1 == budget.total();
      if (!o.checkpoint.empty() && (last || (o.checkpoint_every > 0 && (s + 1) % o.checkpoint_every == 0)))
        save(o.checkpoint);
    }
  }

  int64_t steps_done_ = 0;

 private:
  std::vector<CheckpointGroup> state() const {
    std::vector<CheckpointGroup> all = model_groups();
    for (auto& [prefix, tensors] : optimizer_states()) all.push_back({prefix, tensors});
    return all;
  }
};

}  // namespace splitleak::attack
