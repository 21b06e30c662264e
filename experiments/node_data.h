#pragma once
// What the attackers at one attacked node see: the node's partition (a defended node's front ends
// with its defence, fitted on the cut's undefended auxiliary features), its auxiliary pairs and
// the held-out features, all through that front. A random defence draws from the node's seed:
// derive_seed(seed, 1) for the auxiliary features (the attacker's own draws), derive_seed(seed, 2)
// for the held-out features (standing in for the enclave's draws, which the attacker never sees).
#include <spdlog/logger.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "datasets/feature_cache.h"
#include "experiments/executor.h"
#include "experiments/experiment.h"
#include "experiments/record_scores.h"
#include "experiments/victim_setup.h"
#include "experiments/work_plan.h"

namespace splitleak::experiments {

// What every attacked node's data derive from.
struct RunInputs {
  datasets::ImageSet targets;          // the held-out victim inputs (dataset.test of the test split)
  SamplesPtr aux_images;               // the attacker's auxiliary images (dataset.aux_data), read by batches
  std::vector<int64_t> target_classes;  // the victim's top-1 on the targets
  std::string model_hash, aux_hash, target_hash;  // feature cache keys
  RecordScorer records;                // TON_IoT: the targets decode back into records
  // The auxiliary features are recomputed by the front on every read, not cached
  // (runtime.features, resolved: never Auto here).
  bool recompute_features = false;
};

// `recompute_features`: runtime.features resolved (cache or recompute).
RunInputs prepare_inputs(const ExperimentConfig& config, const VictimSetup& setup, bool recompute_features);

// The partition at `node` of `graph`, the node's victim (experiments/fine_tuning.h), on
// `attack_device`'s terms for its features.
std::shared_ptr<const victim::Partition> node_partition(const ExperimentConfig& config, const RunInputs& in,
                                                        const datasets::FeatureCache& cache, const victim::Graph& graph,
                                                        const AttackedNode& node, const Device& attack_device,
                                                        const std::shared_ptr<spdlog::logger>& log);

// The held-out features at `node` behind `partition`'s front, extracted on `attack_device` and
// cached per device (float rounding differs between devices); in memory.
Tensor target_features(const ExperimentConfig& config, const RunInputs& in, const datasets::FeatureCache& cache,
                       const victim::Partition& partition, const Device& attack_device, const AttackedNode& node,
                       const std::shared_ptr<spdlog::logger>& log);

// Everything the attackers at `node` need, on runtime.attack_device.
CutData node_data(const ExperimentConfig& config, const RunInputs& in, const datasets::FeatureCache& cache,
                  const victim::Graph& graph, const AttackedNode& node, const std::shared_ptr<spdlog::logger>& log);

}  // namespace splitleak::experiments
