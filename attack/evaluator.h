#pragma once
// Scoring reconstructions (docs/design.md, data flow step 6): per attacker the per-image SSIM, PSNR,
// MSE and label leakage, means with bootstrap 95% intervals, the tail (the share of images above
// an SSIM level, with an exact interval), the restarts it was chosen from and its convergence.
// The decision per cut is attack/verdict.h.
#include <map>
#include <string>
#include <vector>

#include "attack/statistics.h"
#include "core/samples.h"
#include "core/tensor.h"
#include "victim/graph.h"

namespace splitleak::attack {

inline constexpr double kPsnrCap = 100.0;  // dB; identical images (PSNR = inf) count as this in means
inline constexpr double kDefaultTailSsim = 0.5;

// The validation curve of one learned attacker: its mean SSIM on its own validation split (never
// the held-out inputs) after `steps[i]` training steps.
struct Convergence {
  std::vector<int64_t> steps;
  std::vector<double> ssim;
  double rise = 0;             // ssim at the last step minus ssim at the start of the last fifth
  bool under_trained = false;  // rise > the converged delta
  // steps: auto (attack/step_budget.h): the checks at which the curve was found flat, in order;
  // the first kLrDrops cut the rate, one more stopped the run. Empty with a fixed budget.
  std::vector<int64_t> flat_steps;
};

// One restart of a learned attacker.
struct SeedScore {
  uint64_t seed = 0;
  double validation_ssim = 0;  // the last point of its validation curve: what the choice is made on
  Interval ssim;               // its held-out mean SSIM, recorded beside the chosen one
  Convergence convergence;
};

struct AttackerScores {
  std::string attacker;
  std::vector<double> ssim, psnr, mse;
  std::vector<double> label_leak;  // 1 when the victim's top-1 on the reconstruction equals its top-1 on the original
  Interval ssim_mean, psnr_mean, mse_mean, label_leak_mean;
  double tail_ssim = kDefaultTailSsim;
  Interval tail;  // share of images with SSIM > tail_ssim, Clopper-Pearson interval
  double train_seconds = 0;
  // Learned attackers only (empty otherwise): every restart, the chosen one (best validation
  // SSIM) and its curve. under_trained holds when any restart was still improving.
  std::vector<SeedScore> seeds;
  size_t chosen_seed = 0;
  bool under_trained = false;
  // Filled by judge_cut: the paired per-image excess of SSIM over the output floor.
  Interval beyond_floor;
  // Tabular records only (empty for images): per held-out record, the mean absolute error of its
  // numeric fields in [0, 1] units and the share of its categorical fields recovered
  // (datasets::RecordErrors); per numeric column, the mean absolute error in its own units.
  std::vector<double> record_mae, record_accuracy;
  Interval record_mae_mean, record_accuracy_mean;
  std::map<std::string, double> column_mae;
  bool has_records() const { return !record_mae.empty(); }
};

// Scores reconstructions against originals (N, C, H, W); the victim (whole graph) decides label
// leakage, against `original_classes` (its top-1 on the originals; computed when empty).
// Intervals use `seed` and `confidence`.
AttackerScores score_reconstructions(const std::string& attacker, const Tensor& reconstructions,
                                     const Tensor& originals, const victim::Graph& victim, uint64_t seed,
                                     double confidence = 0.95, double tail_ssim = kDefaultTailSsim,
                                     const std::vector<int64_t>& original_classes = {});

// Means, intervals and tail from the per-image values alone (assigned): a pure function of them,
// `seed`, `confidence` and `tail_ssim`, so a resumed run's figures equal an uninterrupted run's.
void summarise(AttackerScores& scores, uint64_t seed, double confidence, double tail_ssim);

// The victim's top-1 class per image of `images` (N, C, H, W), or per row of image rows (read and
// run 128 at a time).
std::vector<int64_t> top1_classes(const victim::Graph& victim, const Tensor& images);
std::vector<int64_t> top1_classes(const victim::Graph& victim, const Samples& images);

}  // namespace splitleak::attack
