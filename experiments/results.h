#pragma once
// What a run found, and its three files: results.json (schema splitleak.results/1),
// results.csv (one row per cut x attacker) and results.h5 (per-image metrics and a sample of
// reconstructions). All written atomically.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "attack/evaluator.h"
#include "core/tensor.h"
#include "experiments/experiment.h"

namespace splitleak::experiments {

inline constexpr const char* kResultsSchema = "splitleak.results/1";

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
  attack::CutVerdict verdict;  // per attacker scores (train_seconds filled), worst, safe
  Latency latency;
  Tensor reconstructions_sample;  // (attackers, k, C, H, W): the first k held-out reconstructions
};

struct VictimSummary {
  std::string model;
  Shape input_shape;  // (C, H, W)
  int64_t parameters = 0, flops = 0;
  double accuracy = 0;  // top-1 on the dataset's test split
  int64_t test_images = 0;
};

struct RunResults {
  ExperimentConfig config;
  VictimSummary victim;
  std::vector<CutResult> cuts;
  std::optional<size_t> recommended;  // index into cuts
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
