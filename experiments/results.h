#pragma once
// What a run found, and its three files: results.json (schema splitleak.results/2, described in
// docs/experiments.md), results.csv (one row per cut x attacker or baseline) and results.h5
// (per-image metrics, validation curves and a sample of reconstructions). All written atomically.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "attack/verdict.h"
#include "core/tensor.h"
#include "experiments/experiment.h"

namespace splitleak::experiments {

inline constexpr const char* kResultsSchema = "splitleak.results/2";
inline constexpr const char* kResultsSchemaV1 = "splitleak.results/1";  // check still reads it

struct Latency {
  std::string tee_backend, gpu_backend;
  tee::TeeCost tee;  // measured and modelled parts; tee_ms is its total
  double tee_ms = 0, transfer_ms = 0, gpu_ms = 0;
  double total_ms() const { return tee_ms + transfer_ms + gpu_ms; }
};

struct CutResult {
  std::string name;
  int index = 0;  // node index in the victim graph
  Shape feature_shape;
  int64_t front_flops = 0, back_flops = 0, front_weight_bytes = 0, feature_bytes = 0;
  attack::CutVerdict verdict;  // attackers (train_seconds, seeds, beyond_floor filled), baselines, both rules
  double distance_correlation = 0;  // dCor between the held-out inputs and their feature maps
  Latency latency;
  Tensor reconstructions_sample;  // (attackers, k, C, H, W): the first k held-out reconstructions
  size_t defence = 0;  // index into the config's defences: 0 for RunResults::cuts, >= 1 for defended
  double accuracy = 0;  // defended: top-1 on the test split with the defence in place (NaN: no labels)
};

// The run's decision among every (cut, defence) pair (issue 20): the lowest total split latency
// among the pairs that are safe under the deciding rule and lose at most
// privacy.max_accuracy_drop accuracy. An undefended cut is a candidate from the recommended cut
// on (every cut after it is safe too); a defended pair when its own verdict is safe.
struct PairDecision {
  size_t cut = 0;      // index into RunResults::cuts
  size_t defence = 0;  // index into the config's defences (0: none)
  std::string sentence;  // what it buys, in one sentence
};

struct VictimSummary {
  std::string model;
  Shape input_shape;  // (C, H, W)
  int64_t parameters = 0, flops = 0;
  double accuracy = 0;  // top-1 on the dataset's test split
  int64_t test_images = 0;
};

// What the model's output alone gives away: the attackers run on the output node, and the
// strongest of them and the label prior (highest mean SSIM), whose per-image SSIM is the floor.
struct FloorResult {
  std::string node;                          // the output node
  std::vector<attack::AttackerScores> attackers;
  attack::AttackerScores best;               // the floor
  bool from_cut = false;                     // the output node is one of the cuts; its scores are reused
};

struct RunResults {
  ExperimentConfig config;
  VictimSummary victim;
  std::vector<CutResult> cuts;
  std::vector<CutResult> defended;  // every cut under each defence: defence by defence, cut by cut
  std::optional<PairDecision> decision;  // none when no pair qualifies
  std::optional<size_t> recommended;  // index into cuts, under the deciding rule
  std::optional<size_t> recommended_absolute, recommended_beyond_output;
  FloorResult floor;
  double label_chance_uniform = 0;   // 1 / classes
  double label_chance_majority = 0;  // the share of the most frequent predicted class on the held-out inputs
  double full_tee_ms = 0, no_tee_ms = 0;  // the whole victim in the TEE / on the GPU
  tee::TeeCost full_tee;                   // full_tee_ms's parts
  std::string gpu_backend;                 // where GPU times come from (cpu, opencl DEVICE, model NAME)
  Tensor originals_sample;               // (k, C, H, W)
  std::string version;
  int threads = 0;
};

void write_results_json(const RunResults& results, const std::string& path);
void write_results_csv(const RunResults& results, const std::string& path);
void write_results_h5(const RunResults& results, const std::string& path);

}  // namespace splitleak::experiments
