#include "experiments/references.h"

#include <algorithm>
#include <map>

#include "attack/baselines.h"
#include "core/error.h"

namespace splitleak::experiments {

std::vector<attack::AttackerScores> score_baselines(const ExperimentConfig& c, const victim::Graph& g,
                                                    const Samples& aux_images, const Tensor& target_images,
                                                    const std::vector<int64_t>& target_classes,
                                                    const RecordScorer& records) {
  const std::vector<int64_t> aux_classes = attack::top1_classes(g, aux_images);
  const uint64_t seed = c.seed * 1000003ull + 999983ull;
  const std::pair<const char*, Tensor> baselines[] = {
      {"prior", attack::class_prior_baseline(aux_images, aux_classes, target_classes)},
      {"mean", attack::mean_image_baseline(aux_images, target_images.size(0))}};
  std::vector<attack::AttackerScores> out;
  for (const auto& [name, reconstructions] : baselines) {
    const uint64_t s = seed + 10 * out.size();
    out.push_back(attack::score_reconstructions(name, reconstructions, target_images, g, s, c.privacy.confidence,
                                                c.privacy.tail_ssim, target_classes));
    records.score(reconstructions, out.back(), s, c.privacy.confidence, c.privacy.tail_ssim);
  }
  return out;
}

void label_chance(const victim::Graph& g, const std::vector<int64_t>& target_classes, RunResults& results) {
  const Shape& out = g.nodes.back().shape;
  const int64_t classes = shape_numel(Shape(out.begin() + 1, out.end()));
  check(classes >= 1 && !target_classes.empty(), "label chance: no classes or no held-out inputs");
  std::map<int64_t, int64_t> count;
  for (int64_t k : target_classes) ++count[k];
  int64_t most = 0;
  for (const auto& [k, n] : count) most = std::max(most, n);
  results.label_chance_uniform = 1.0 / static_cast<double>(classes);
  results.label_chance_majority = static_cast<double>(most) / static_cast<double>(target_classes.size());
}

attack::AttackerScores strongest(const std::vector<attack::AttackerScores>& output_attackers,
                                 const attack::AttackerScores& prior) {
  const attack::AttackerScores* best = nullptr;
  for (const auto& a : output_attackers)
    if (!best || a.ssim_mean.mean > best->ssim_mean.mean) best = &a;
  if (!best || prior.ssim_mean.mean > best->ssim_mean.mean) best = &prior;
  return *best;
}

attack::PrivacyRules privacy_rules(const PrivacyConfig& p) {
  attack::PrivacyRules r;
  r.rule = attack::parse_rule(p.rule);
  r.threshold = p.threshold, r.margin = p.margin, r.confidence = p.confidence;
  if (p.max_tail_fraction >= 0) r.max_tail_fraction = p.max_tail_fraction;
  return r;
}

}  // namespace splitleak::experiments
