#include "attack/evaluator.h"

#include <algorithm>

#include "attack/metrics.h"
#include "core/autograd.h"
#include "core/batches.h"
#include "core/error.h"
#include "victim/execute.h"

namespace splitleak::attack {

std::vector<int64_t> top1_classes(const victim::Graph& g, const Tensor& images) {
  return top1_classes(g, TensorSamples(images));
}

std::vector<int64_t> top1_classes(const victim::Graph& g, const Samples& images) {
  autograd::NoGradGuard no_grad;
  const Device device = victim::device_of(g);
  std::vector<int64_t> out;
  out.reserve(static_cast<size_t>(images.size()));
  for_each_batch(images, 128, [&](int64_t, const Tensor& batch) {
    const Tensor logits = victim::run(g, batch.to(device)).to(Device{});
    const int64_t classes = logits.numel() / logits.size(0);
    for (int64_t i = 0; i < logits.size(0); ++i) {
      const float* row = logits.data() + i * classes;
      out.push_back(std::max_element(row, row + classes) - row);
    }
  });
  return out;
}

void summarise(AttackerScores& s, uint64_t seed, double confidence, double tail_ssim) {
  s.ssim_mean = bootstrap_mean(s.ssim, seed, confidence);
  s.psnr_mean = bootstrap_mean(s.psnr, seed + 1, confidence);
  s.mse_mean = bootstrap_mean(s.mse, seed + 2, confidence);
  s.label_leak_mean = bootstrap_mean(s.label_leak, seed + 3, confidence);
  s.tail_ssim = tail_ssim;
  const auto above = std::count_if(s.ssim.begin(), s.ssim.end(), [&](double v) { return v > tail_ssim; });
  s.tail = clopper_pearson(above, static_cast<int64_t>(s.ssim.size()), confidence);
  if (s.has_records()) {
    s.record_mae_mean = bootstrap_mean(s.record_mae, seed + 4, confidence);
    s.record_accuracy_mean = bootstrap_mean(s.record_accuracy, seed + 5, confidence);
  }
}

AttackerScores score_reconstructions(const std::string& attacker, const Tensor& reconstructions,
                                     const Tensor& originals, const victim::Graph& victim, uint64_t seed,
                                     double confidence, double tail_ssim,
                                     const std::vector<int64_t>& original_classes) {
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
  const auto a = top1_classes(victim, reconstructions);
  const auto b = original_classes.empty() ? top1_classes(victim, originals) : original_classes;
  check(b.size() == a.size(), attacker + ": " + std::to_string(b.size()) + " original classes for " +
                                  std::to_string(a.size()) + " images");
  for (size_t i = 0; i < a.size(); ++i) s.label_leak.push_back(a[i] == b[i] ? 1.0 : 0.0);
  summarise(s, seed, confidence, tail_ssim);
  return s;
}

}  // namespace splitleak::attack
