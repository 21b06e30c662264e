#pragma once
// The host memory a run needs at its peak, estimated before it starts from the configuration and
// the model's shapes, and checked against what the machine has left (core/memory.h), so a run
// that cannot fit is refused with the estimate (exit 2) instead of failing hours in.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "experiments/attacker_cost.h"
#include "experiments/experiment.h"
#include "experiments/victim_setup.h"
#include "victim/graph.h"

namespace splitleak::experiments {

// Bytes, each part an upper estimate of what is alive at once; the parts add up.
struct RunMemory {
  int64_t victim = 0;      // the victim's weights
  int64_t extraction = 0;  // a whole-model forward over 128 rows (the feature extraction's batch), measured
  int64_t dataset = 0;     // the data set as loaded: Fashion-MNIST's 70,000 images, TON_IoT's records, or
                           // a folder's two image stores up to runtime.data_in_memory_mib each
  int64_t held_out = 0;    // dataset.test images, their reconstructions and their features at one node
  int64_t aux_features = 0;  // the auxiliary features at one node, when held in memory
  int64_t attacker = 0;      // the largest attacker configuration's step (experiments/attacker_cost.h)
  bool attacker_partial = false;  // some configurations were not measured: the total is a floor
  int64_t total() const { return victim + extraction + dataset + held_out + aux_features + attacker; }
};

// Every part but `attacker`, for model `g` (as experiment_model builds it) attacked at `cuts` and
// its output.
RunMemory data_and_model_memory(const ExperimentConfig& config, const victim::Graph& g,
                                const std::vector<CutChoice>& cuts);

// Every distinct attacker configuration (configuration_key) measured once at the first cut.
std::map<std::string, StepCost> measure_configurations(const ExperimentConfig& config, const victim::Graph& g,
                                                       const std::vector<CutChoice>& cuts);

// data_and_model_memory, with the attackers' largest measured step.
RunMemory estimate_run_memory(const ExperimentConfig& config, const victim::Graph& g, const std::vector<CutChoice>& cuts,
                              const std::map<std::string, StepCost>& measured);

// "1.9 GiB at the peak (attacker step 1.2 GiB, ...), 21.6 GiB available" (available < 0: unknown).
std::string memory_text(const RunMemory& m, int64_t available);

// Throws Error (bad input) "WHERE: the run needs about ...: more than the ... available" when the
// total exceeds available_memory_bytes().
void check_run_memory(const RunMemory& m, const std::string& where);

}  // namespace splitleak::experiments
