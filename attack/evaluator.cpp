#include "attack/evaluator.h"

#include <algorithm>
#include <cmath>

#include "attack/metrics.h"
#include "core/autograd.h"
#include "core/error.h"
#include "victim/execute.h"

namespace splitleak::attack {
namespace {

std::vector<int64_t> top1(const victim::Graph& g, const Tensor& images) {
  autograd::NoGradGuard no_grad;
  const Tensor logits = victim::run(g, images);
  const int64_t classes = logits.numel() / logits.size(0);
  std::vector<int64_t> out(static_cast<size_t>(logits.size(0)));
  for (int64_t i = 0; i < logits.size(0); ++i) {
    const float* row = logits.data() + i * classes;
    out[static_cast<size_t>(i)] = std::max_element(row, row + classes) - row;
  }
  return out;
}

}  // namespace

AttackerScores score_reconstructions(const std::string& attacker, const Tensor& reconstructions,
                                     const Tensor& originals, const victim::Graph& victim, uint64_t seed,
                                     double confidence) {
  check(reconstructions.defined() && originals.defined() && reconstructions.shape() == originals.shape() &&
            originals.dim() == 4,
        attacker + ": reconstructions " + shape_str(reconstructions.shape()) + " do not match the originals " +
            shape_str(originals.shape()));
  AttackerScores s;
  s.attacker = attacker;
  s.ssim = ssim_per_image(reconstructions, originals);
  s.mse = mse_per_image(reconstructions, originals);
  s.psnr = psnr_per_image(reconstructions, originals);
  for (double& p : s.psnr) p = std::min(p, kPsnrCap);
  const auto a = top1(victim, reconstructions), b = top1(victim, originals);
  for (size_t i = 0; i < a.size(); ++i) s.label_leak.push_back(a[i] == b[i] ? 1.0 : 0.0);
  s.ssim_mean = bootstrap_mean(s.ssim, seed, confidence);
  s.psnr_mean = bootstrap_mean(s.psnr, seed + 1, confidence);
  s.mse_mean = bootstrap_mean(s.mse, seed + 2, confidence);
  s.label_leak_mean = bootstrap_mean(s.label_leak, seed + 3, confidence);
  return s;
}

CutVerdict judge_cut(const std::string& cut, std::vector<AttackerScores> attackers, double ssim_threshold) {
  check(!attackers.empty(), "cut '" + cut + "': no attacker scores");
  CutVerdict v;
  v.cut = cut;
  v.attackers = std::move(attackers);
  for (size_t i = 1; i < v.attackers.size(); ++i)
    if (v.attackers[i].ssim_mean.mean > v.attackers[v.worst].ssim_mean.mean) v.worst = i;
  v.safe = v.attackers[v.worst].ssim_mean.high <= ssim_threshold;
  return v;
}

std::optional<size_t> recommend_cut(const std::vector<CutVerdict>& cuts) {
  std::optional<size_t> best;
  for (size_t i = cuts.size(); i-- > 0;) {
    if (!cuts[i].safe) break;
    best = i;
  }
  return best;
}

}  // namespace splitleak::attack
