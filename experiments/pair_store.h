#pragma once
// The files of one work item (node, attacker, restart) in the run directory: its score file in
// partial/ (its presence means the item is done), its reconstruction sample beside it, its
// checkpoint and validation curve in checkpoints/. Written atomically; an unreadable score file
// counts as not done (the item is redone).
#include <spdlog/logger.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "attack/evaluator.h"

namespace splitleak::experiments {

struct PairFiles {
  std::filesystem::path scores, sample, checkpoint, curve;
};

PairFiles pair_files(const std::filesystem::path& run_dir, const std::string& stem);

// One restart's outcome: held-out per-image (and per-record) scores and its validation curve.
struct SeedRun {
  attack::AttackerScores scores;  // per-image values and train_seconds; summaries not stored
  bool learned = false;           // the attacker learns: the curve applies
  attack::Convergence curve;      // validation SSIM per evaluation step
};

// Writes the sample of reconstructions, then the score file (last: it marks the item done).
void save_seed(const PairFiles& files, const SeedRun& run, const Tensor& sample);

// The finished item of attacker `kind`, or nothing when its files are absent or unreadable
// (logged as a warning). Summaries are left to the caller (attack::summarise).
std::optional<SeedRun> load_seed(const PairFiles& files, const std::string& kind,
                                 const std::shared_ptr<spdlog::logger>& log);

// The validation curve written so far (a run killed after a checkpoint resumes with it).
attack::Convergence load_curve(const std::filesystem::path& path);
// Appends (step, ssim), first dropping points at or after `step` (evaluated again on resume).
void add_point(attack::Convergence& curve, int64_t step, double ssim);
void save_curve(const std::filesystem::path& path, const attack::Convergence& curve);

}  // namespace splitleak::experiments
