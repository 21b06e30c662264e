#pragma once
// What the runner needs to tell a converged learned attacker from one stopped too early, and to
// choose among restarts without looking at the held-out inputs: the attacker's own validation
// split of its auxiliary pairs, the steps at which it is scored, and the verdict on its curve.
#include <cstdint>
#include <vector>

#include "attack/attacker.h"
#include "attack/evaluator.h"
#include "core/samples.h"
#include "core/tensor.h"

namespace splitleak::attack {

inline constexpr double kValidationFraction = 0.1;
inline constexpr double kDefaultConvergedDelta = 0.01;

struct ValidationSplit {
  SamplesPtr train_features, train_images;  // the rows the attacker learns from
  SamplesPtr val_features, val_images;      // ceil(fraction * N) rows it is scored on
};

// Rows chosen by a permutation seeded with `seed` (subsets: nothing is copied); needs N >= 2 and
// leaves at least one row on each side.
ValidationSplit split_validation(SamplesPtr features, SamplesPtr images, double fraction, uint64_t seed);

// The mean SSIM of the attacker's reconstructions of the validation rows, reconstructed a few
// hundred rows at a time.
double validation_ssim(Attacker& attacker, const ValidationSplit& split);

// The first step of the last fifth of a `steps`-step run: steps - steps / 5.
int64_t last_fifth_start(int64_t steps);

// Ascending, unique: every eval_every steps (eval_every >= 1), last_fifth_start(steps) and steps.
std::vector<int64_t> evaluation_steps(int64_t steps, int64_t eval_every);

// steps: auto: the steps after which the runner asks whether the curve is flat (every eval_every
// steps up to max_steps), and the steps evaluated for that (each of them, max_steps, and the start
// of the last fifth of each), ascending and unique.
std::vector<int64_t> plateau_checks(int64_t max_steps, int64_t eval_every);
std::vector<int64_t> auto_evaluation_steps(int64_t max_steps, int64_t eval_every);
// The validation SSIM at `steps` minus that at last_fifth_start(steps): the rise the convergence
// rule judges. Error when the curve lacks either point.
double rise_over_last_fifth(const Convergence& c, int64_t steps);

// Fills c.rise (the SSIM at `steps` minus the SSIM at last_fifth_start(steps)) and
// c.under_trained (rise > delta). Error when the curve lacks either point.
void assess_convergence(Convergence& c, int64_t steps, double delta);

}  // namespace splitleak::attack
