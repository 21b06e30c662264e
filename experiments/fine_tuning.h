#pragma once
// The victims of the defended nodes whose defence fine-tunes (victim::DefenceSpec::finetune > 0,
// docs/defences.md): `nopeek` fine-tunes the whole victim with its distance-correlation loss at the
// cut; another kind fine-tunes the back partition on the defended features of the unchanged front
// (so its attackers see what they would without fine-tuning; only the accuracy changes). Each
// starts from the run's victim, trains on its training split with victim.train's settings and
// the node's seed (derive_seed(node seed, 4)).
#include <spdlog/logger.h>

#include <filesystem>
#include <map>
#include <memory>

#include "datasets/feature_cache.h"
#include "experiments/experiment.h"
#include "experiments/node_data.h"
#include "experiments/victim_setup.h"
#include "experiments/work_plan.h"
#include "victim/graph.h"

namespace splitleak::experiments {

// By node index (into RunPlan::nodes): the victim that node runs instead of the run's.
using NodeVictims = std::map<size_t, victim::Graph>;

// Rank 0 fine-tunes each (checkpointed as checkpoints/<node stem>.finetune.h5, saved as
// defended/<node stem>.h5, so a killed run resumes and a finished one is not trained again); every
// rank receives the weights.
NodeVictims fine_tune_defences(const ExperimentConfig& config, const std::filesystem::path& run_dir, const RunPlan& plan,
                               const VictimSetup& setup, const RunInputs& in, const datasets::FeatureCache& cache,
                               const std::shared_ptr<spdlog::logger>& log);

// The victim node `node` runs: its fine-tuned one, else `run_victim`.
const victim::Graph& node_victim(const NodeVictims& victims, size_t node, const victim::Graph& run_victim);

}  // namespace splitleak::experiments
