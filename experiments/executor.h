#pragma once
// The executor: runs the work items of a plan (work_plan.h) at one attacked node. A learned
// attacker's restart trains on 90% of its auxiliary pairs and is scored every `eval_every` steps
// on the other 10% (its own validation split); every restart is scored on the held-out inputs.
// Each item lands in the run directory before the next starts (pair_store.h: score file,
// reconstruction sample, checkpoint, validation curve), so a killed run resumes without
// recomputing it; the collector (collector.h) turns the files into results.
#include <spdlog/logger.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "attack/attacker.h"
#include "attack/evaluator.h"
#include "experiments/experiment.h"
#include "experiments/record_scores.h"
#include "experiments/work_plan.h"
#include "victim/graph.h"

namespace splitleak::experiments {

// What the attackers at one cut learn from and are scored on.
struct CutData {
  std::string name;       // the cut (the output node for the floor)
  std::string file_stem;  // its file-name form, unique in the run ("floor.fc3" for the floor)
  uint64_t seed = 0;      // the cut's seed; pairs derive theirs from it
  Tensor aux_features, aux_images;        // the attacker's auxiliary pairs
  Tensor target_features, target_images;  // the held-out victim inputs and what the cut exposes
  std::vector<int64_t> target_classes;    // the victim's top-1 on target_images
  RecordScorer score_records;             // TON_IoT: target_images decode back into records
  attack::AttackContext context;
};

// Progress over the whole run, for the log's "i/n pairs, ETA" (one pair = attacker x seed).
struct RunProgress {
  size_t total = 0, done = 0, computed = 0;
  double work_seconds = 0;  // spent on pairs computed in this process
  std::string eta() const;
};

inline constexpr int64_t kSampleImages = 8;  // reconstructions kept per item for the report

// Runs the items of `items` (all at the node whose data `cut` holds) whose results are not in the
// run directory yet. Errors (exit 2) for a non-learning attacker given seeds > 1, naming the
// file and line.
void execute_items(const ExperimentConfig& config, const std::filesystem::path& run_dir, const CutData& cut,
                   const std::vector<WorkItem>& items, const victim::Graph& victim, RunProgress& progress,
                   const std::shared_ptr<spdlog::logger>& log);

}  // namespace splitleak::experiments
