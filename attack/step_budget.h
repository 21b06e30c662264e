#pragma once
// How many steps a learned attacker trains, and its learning rate at each (docs/attackers.md,
// "Budgets"). A fixed budget of N steps: constant at the base rate, then linearly to 0 over the
// attacker's decay_fraction of N; or, given explicit rate drops, the base rate cut by
// kLrDropFactor at each. An automatic budget (`steps: auto`) knows no total: the rate starts at
// the base rate and is cut by kLrDropFactor each time the runner finds the validation curve flat
// at one of its check steps (from min_steps on), and the run stops at the flat check after
// kLrDrops cuts. The stop is a check at which the convergence rule holds, so a run that stops is
// never under-trained by that rule; a run that reaches the cap first is judged by it at the cap.
// The schedule depends on the steps done and the curve alone: a stopped automatic run is the
// fixed run of as many steps with the same drops, step for step.
#include <cstdint>
#include <vector>

#include "attack/attacker.h"

namespace splitleak::attack {

// The rate cuts an automatic budget makes before it may stop, and the factor of each.
inline constexpr int kLrDrops = 2;
inline constexpr float kLrDropFactor = 0.1f;

class StepBudget {
 public:
  // o.steps is the budget (fixed) or the cap (o.plateaued set: automatic).
  StepBudget(const FitOptions& o, double decay_fraction);

  // After a resume at `steps_done`: replays the runner's answers at the checks already passed
  // (they depend on the saved validation curve alone), so the schedule is what it was.
  void resume(int64_t steps_done);
  // After step `done` (the count of steps done): at a check, asks the runner and drops the rate
  // or stops.
  void after_step(int64_t done);

  // The steps to train: the budget, the stop once found, else the cap.
  int64_t total() const { return stop_ > 0 ? stop_ : cap_; }
  float lr_at(float base_lr, int64_t step) const;
  // Whether the runner evaluates after step `done` (its list holds every check, the start of each
  // check's last fifth, and the cap's).
  bool evaluates_after(int64_t done) const;

 private:
  bool automatic() const { return static_cast<bool>(options_.plateaued); }
  void ask(int64_t done);

  const FitOptions& options_;
  double decay_fraction_;
  int64_t cap_, stop_ = 0;
  std::vector<int64_t> drops_;  // steps after which the rate was cut
};

}  // namespace splitleak::attack
