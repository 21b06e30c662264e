#pragma once
// What the cuts of a run are judged against: the baselines that need no feature map (`prior`,
// `mean`), the label leakage of chance, the output floor, and the privacy rules of the config.
#include <vector>

#include "attack/evaluator.h"
#include "attack/verdict.h"
#include "experiments/experiment.h"
#include "experiments/record_scores.h"
#include "experiments/results.h"

namespace splitleak::experiments {

// `prior` then `mean` (attack/baselines.h), scored on the held-out images like attackers (and
// as records by `records` when the images are records).
std::vector<attack::AttackerScores> score_baselines(const ExperimentConfig& config, const victim::Graph& victim,
                                                    const Samples& aux_images, const Tensor& target_images,
                                                    const std::vector<int64_t>& target_classes,
                                                    const RecordScorer& records);

// Assigns results.label_chance_uniform (1 / classes) and label_chance_majority (the share of the
// most frequent class among target_classes).
void label_chance(const victim::Graph& victim, const std::vector<int64_t>& target_classes, RunResults& results);

// The floor: the one with the highest mean SSIM among the attackers on the output and the label
// prior (ties to the earlier attacker).
attack::AttackerScores strongest(const std::vector<attack::AttackerScores>& output_attackers,
                                 const attack::AttackerScores& prior);

attack::PrivacyRules privacy_rules(const PrivacyConfig& privacy);

}  // namespace splitleak::experiments
