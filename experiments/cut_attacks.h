#pragma once
// Steps 5 and 6 of docs/design.md's data flow at one cut: every configured attacker, each learned one
// restarted `seeds` times on 90% of its auxiliary pairs and scored every `eval_every` steps on
// the other 10% (its own validation split); the restart with the best validation SSIM is kept
// and every restart's held-out score recorded beside it. Every (attacker, seed) lands in the run
// directory before the next starts (score file, reconstruction sample, checkpoint, validation
// curve), so a killed run resumes without recomputing it.
#include <spdlog/logger.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "attack/attacker.h"
#include "attack/evaluator.h"
#include "experiments/experiment.h"
#include "experiments/record_scores.h"
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

struct AttackedCut {
  std::vector<attack::AttackerScores> attackers;  // in config order, summarised, seeds filled
  std::vector<Tensor> samples;                    // per attacker: the chosen restart's first reconstructions
};

inline constexpr int64_t kSampleImages = 8;  // reconstructions kept per (cut, attacker) for the report

// Errors (exit 2) for a non-learning attacker given seeds > 1, naming the file and line.
AttackedCut attack_cut(const ExperimentConfig& config, const std::filesystem::path& run_dir, const CutData& cut,
                       const victim::Graph& victim, RunProgress& progress, const std::shared_ptr<spdlog::logger>& log);

}  // namespace splitleak::experiments
