#include "attack/step_budget.h"

#include <algorithm>
#include <cmath>

#include "attack/learned_inverter.h"
#include "core/error.h"

namespace splitleak::attack {

StepBudget::StepBudget(const FitOptions& o, double decay_fraction)
    : options_(o), decay_fraction_(decay_fraction), cap_(o.steps), drops_(o.lr_drops) {
  check(std::is_sorted(drops_.begin(), drops_.end()), "lr drops must be ascending");
  if (!automatic()) {
    stop_ = o.steps;
    return;
  }
  check(drops_.empty(), "an automatic budget finds its own rate drops");
  check(o.min_steps >= 1 && o.min_steps <= o.steps, "steps: auto needs 1 <= min_steps <= max_steps");
}

void StepBudget::resume(int64_t steps_done) {
  if (!automatic()) return;
  for (int64_t done : options_.plateau_checks) {
    if (done > steps_done || stop_ > 0) break;
    ask(done);
  }
}

void StepBudget::after_step(int64_t done) {
  if (automatic() && stop_ == 0 && std::binary_search(options_.plateau_checks.begin(), options_.plateau_checks.end(), done))
    ask(done);
}

void StepBudget::ask(int64_t done) {
  if (done < options_.min_steps || !options_.plateaued(done)) return;
  if (static_cast<int>(drops_.size()) < kLrDrops) drops_.push_back(done);
  else stop_ = done;
}

float StepBudget::lr_at(float base_lr, int64_t step) const {
  if (!automatic() && drops_.empty()) return decaying_schedule(base_lr, decay_fraction_, cap_).lr_at(step);
  float lr = base_lr;  // cut once for each drop made after `step` steps or fewer
  for (int64_t drop : drops_)
    if (drop <= step) lr *= kLrDropFactor;
  return lr;
}

bool StepBudget::evaluates_after(int64_t done) const {
  return std::binary_search(options_.evaluate_at.begin(), options_.evaluate_at.end(), done);
}

}  // namespace splitleak::attack
