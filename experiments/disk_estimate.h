#pragma once
// The disk a run writes, estimated before it starts from the configuration, the model's shapes
// and the attackers' measured state, and checked against the free space of the file system that
// holds the run directory (its cache is inside it), so a run that cannot finish is refused with
// the estimate (exit 2) instead of failing on a full disk hours in. Each part is an upper bound:
// feature maps and images are counted uncompressed, though their files are deflated.
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "experiments/attacker_cost.h"
#include "experiments/experiment.h"
#include "experiments/victim_setup.h"
#include "victim/graph.h"

namespace splitleak::experiments {

struct RunDisk {
  int64_t feature_cache = 0;   // every attacked node's auxiliary and held-out feature maps (cache/)
  int64_t largest_node = 0;    // the largest node's share of it
  std::string largest_node_name;
  int64_t image_stores = 0;    // an image folder decoded once, one byte a value (cache/)
  int64_t checkpoints = 0;     // each work item's attacker state (checkpoints/)
  int64_t reconstructions = 0;  // each item's sample of reconstructions (partial/)
  int64_t victims = 0;         // the trained and fine-tuned victims and their training checkpoints
  int64_t results = 0;         // results.json/.csv/.h5, figures, report, logs
  int64_t total() const { return feature_cache + image_stores + checkpoints + reconstructions + victims + results; }
};

// The attacker configurations' checkpoint bytes (attack::Attacker::state_bytes), by
// configuration_key, as measured by the dry run's or the run's step timing.
using StateBytes = std::function<int64_t(const AttackerConfig&)>;
// From the configurations measured (memory_estimate.h): 0 for one not measured.
StateBytes state_bytes_of(const std::map<std::string, StepCost>& measured);

// `folder_images`: the images an image folder holds (0 for other data sets). `recompute`: the
// auxiliary features are not stored (runtime.features), only the held-out ones.
RunDisk estimate_run_disk(const ExperimentConfig& config, const victim::Graph& g, const std::vector<CutChoice>& cuts,
                          int64_t folder_images, const StateBytes& state_bytes, bool recompute = false);

// runtime.features resolved: recompute, cache, or (auto) recompute exactly when the run with its
// features cached needs more than `free_bytes` (>= 0; unknown: cache) beyond what `dir` holds.
bool recomputes_features(const ExperimentConfig& config, const victim::Graph& g, const std::vector<CutChoice>& cuts,
                         int64_t folder_images, const std::map<std::string, StepCost>& measured, const std::string& dir,
                         int64_t free_bytes);

// "3.4 GiB (feature cache 2.9 GiB, the largest node pool2 1.1 GiB; image stores 0 B; ...)".
std::string disk_text(const RunDisk& d);

// The bytes a user may still write on the file system holding `path` (or its nearest existing
// folder), from statvfs; -1 when it cannot be asked.
int64_t free_disk_bytes(const std::string& path);
// The bytes the files under `dir` take (0 when it does not exist): what a resumed run has written.
int64_t bytes_under(const std::string& dir);

// Throws Error (bad input) "WHERE: the run needs about ... on the file system of DIR, which has ...
// free" when the total, less what `dir` holds already, exceeds `free_bytes` (>= 0).
void check_run_disk(const RunDisk& d, const std::string& dir, int64_t free_bytes, const std::string& where);

}  // namespace splitleak::experiments
