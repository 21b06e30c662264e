#pragma once
// Scoring reconstructions and deciding cuts (DESIGN.md, data flow steps 6 and 8):
// per attacker the per-image SSIM, PSNR, MSE and label leakage with bootstrap 95% means; per cut
// the worst attacker (highest mean SSIM); a cut is safe when the upper bound of the worst mean
// SSIM is <= the threshold; the recommended cut is the earliest safe cut after which every
// deeper candidate is safe too.
#include <optional>
#include <string>
#include <vector>

#include "attack/statistics.h"
#include "core/tensor.h"
#include "victim/graph.h"

namespace splitleak::attack {

inline constexpr double kPsnrCap = 100.0;  // dB; identical images (PSNR = inf) count as this in means

struct AttackerScores {
  std::string attacker;
  std::vector<double> ssim, psnr, mse;
  std::vector<double> label_leak;  // 1 when the victim's top-1 on the reconstruction equals its top-1 on the original
  Interval ssim_mean, psnr_mean, mse_mean, label_leak_mean;
  double train_seconds = 0;
};

// Scores reconstructions against originals (N, C, H, W); the victim (whole graph) decides label
// leakage. Intervals use `seed` and `confidence`.
AttackerScores score_reconstructions(const std::string& attacker, const Tensor& reconstructions,
                                     const Tensor& originals, const victim::Graph& victim, uint64_t seed,
                                     double confidence = 0.95);

struct CutVerdict {
  std::string cut;
  std::vector<AttackerScores> attackers;
  size_t worst = 0;  // index of the attacker with the highest mean SSIM
  bool safe = false;
};

CutVerdict judge_cut(const std::string& cut, std::vector<AttackerScores> attackers, double ssim_threshold);

// Index of the recommended cut in `cuts` (ordered from the input on), or none when the last cut
// is unsafe.
std::optional<size_t> recommend_cut(const std::vector<CutVerdict>& cuts);

}  // namespace splitleak::attack
