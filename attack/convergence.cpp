#include "attack/convergence.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "attack/metrics.h"
#include "core/batches.h"
#include "core/error.h"
#include "core/random.h"

namespace splitleak::attack {
ValidationSplit split_validation(SamplesPtr features, SamplesPtr images, double fraction, uint64_t seed) {
  const int64_t n = features ? features->size() : 0;
  check(images && n >= 2 && images->size() == n,
        "validation split: need at least two (feature map, image) pairs with the same count");
  check(fraction > 0 && fraction < 1, "validation split: fraction in (0, 1)");
  const int64_t val = std::clamp<int64_t>(static_cast<int64_t>(std::ceil(fraction * static_cast<double>(n))), 1, n - 1);
  std::vector<int64_t> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  Generator gen(seed);
  for (size_t i = order.size() - 1; i > 0; --i) std::swap(order[i], order[gen.below(i + 1)]);
  const std::vector<int64_t> train_rows(order.begin(), order.end() - val), val_rows(order.end() - val, order.end());
  return {subset(features, train_rows), subset(images, train_rows), subset(features, val_rows), subset(images, val_rows)};
}

double validation_ssim(Attacker& attacker, const ValidationSplit& split) {
  const Samples& features = *split.val_features;
  std::vector<double> per_image;
  per_image.reserve(static_cast<size_t>(features.size()));
  constexpr int64_t kRows = 256;  // a multiple of the attackers' own reconstruction batch
  for (int64_t b = 0; b < features.size(); b += kRows) {
    const int64_t e = std::min(features.size(), b + kRows);
    const std::vector<double> part =
        ssim_per_image(attacker.reconstruct(features.read_range(b, e)), split.val_images->read_range(b, e));
    per_image.insert(per_image.end(), part.begin(), part.end());
  }
  double sum = 0;
  for (double s : per_image) sum += s;
  return per_image.empty() ? 0.0 : sum / static_cast<double>(per_image.size());
}

int64_t last_fifth_start(int64_t steps) { return steps - steps / 5; }

std::vector<int64_t> evaluation_steps(int64_t steps, int64_t eval_every) {
  check(steps >= 1 && eval_every >= 1, "evaluation steps: steps and eval_every must be >= 1");
  std::vector<int64_t> out;
  for (int64_t s = eval_every; s < steps; s += eval_every) out.push_back(s);
  out.push_back(last_fifth_start(steps));
  out.push_back(steps);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<int64_t> plateau_checks(int64_t max_steps, int64_t eval_every) {
  check(max_steps >= 1 && eval_every >= 1, "plateau checks: max_steps and eval_every must be >= 1");
  std::vector<int64_t> out;
  for (int64_t s = eval_every; s <= max_steps; s += eval_every) out.push_back(s);
  return out;
}

std::vector<int64_t> auto_evaluation_steps(int64_t max_steps, int64_t eval_every) {
  std::vector<int64_t> out{max_steps, last_fifth_start(max_steps)};
  for (int64_t s : plateau_checks(max_steps, eval_every)) {
    out.push_back(s);
    out.push_back(last_fifth_start(s));
  }
  out.erase(std::remove(out.begin(), out.end(), 0), out.end());
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

double rise_over_last_fifth(const Convergence& c, int64_t steps) {
  auto at = [&](int64_t step) {
    for (size_t i = 0; i < c.steps.size(); ++i)
      if (c.steps[i] == step) return c.ssim[i];
    throw Error("convergence: no validation SSIM at step " + std::to_string(step) + " of " + std::to_string(steps));
  };
  return at(steps) - at(last_fifth_start(steps));
}

void assess_convergence(Convergence& c, int64_t steps, double delta) {
  c.rise = rise_over_last_fifth(c, steps);
  c.under_trained = c.rise > delta;
}

}  // namespace splitleak::attack
