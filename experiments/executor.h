#pragma once
// The executor: runs the work items of a plan (work_plan.h), handed out by a work queue
// (work_queue.h) to the one worker of this process or, under MPI, to every rank's worker
// (rank_executor.h). A worker holds one attacked node's data at a time. A learned
// attacker's restart trains on 90% of its auxiliary pairs and is scored every `eval_every` steps
// on the other 10% (its own validation split); every restart is scored on the held-out inputs.
// Each item lands in the run directory before the next starts (pair_store.h: score file,
// reconstruction sample, checkpoint, validation curve), so a killed run resumes without
// recomputing it; the collector (collector.h) turns the files into results.
#include <spdlog/logger.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "attack/attacker.h"
#include "attack/convergence.h"
#include "attack/evaluator.h"
#include "experiments/experiment.h"
#include "experiments/pair_store.h"
#include "experiments/record_scores.h"
#include "experiments/work_plan.h"
#include "experiments/work_queue.h"
#include "victim/graph.h"
#include "victim/partition.h"

namespace splitleak::experiments {

// What the attackers at one cut learn from and are scored on.
struct CutData {
  std::string name;       // the cut (the output node for the floor)
  std::string file_stem;  // its file-name form, unique in the run ("floor.fc3" for the floor)
  uint64_t seed = 0;      // the cut's seed; pairs derive theirs from it
  SamplesPtr aux_features, aux_images;    // the attacker's auxiliary pairs, read by batches (may be on disk)
  Tensor target_features, target_images;  // the held-out victim inputs and what the cut exposes (in memory)
  std::vector<int64_t> target_classes;    // the victim's top-1 on target_images
  RecordScorer score_records;             // TON_IoT: target_images decode back into records
  std::shared_ptr<const victim::Partition> partition;  // context.front points into it
  attack::AttackContext context;
};

// Progress over the whole run, for the log's "i/n pairs, ETA" (one pair = attacker x seed).
struct RunProgress {
  size_t total = 0, done = 0, computed = 0;
  double work_seconds = 0;  // spent on the items computed in this run (any rank)
  std::string eta() const;
  // Counts an item that ended now after `seconds` of work.
  void add_computed(double seconds);
};

inline constexpr int64_t kSampleImages = 8;  // reconstructions kept per item for the report

// Builds every attacker of the run once in `context` (its networks, its settings read): Error
// (exit 2) naming the file and line of a bad setting, or of seeds > 1 for one that learns nothing.
void check_attackers(const ExperimentConfig& config, const attack::AttackContext& context);

// A finished item of an automatic budget that stopped at its cap without converging (the rule
// never held), where max_steps is now higher: a resume continues it from its checkpoint (its
// schedule does not depend on the cap, so it ends as if it had been given the higher cap at once).
bool reaches_further(const AttackerConfig& attacker, const SeedRun& run);

// Which items of `plan` have their results in the run directory already (each logged as done
// before, with its SSIM, and counted in `progress`).
std::vector<bool> finished_items(const ExperimentConfig& config, const std::filesystem::path& run_dir,
                                 const RunPlan& plan, RunProgress& progress,
                                 const std::shared_ptr<spdlog::logger>& log);

// The queue of the plan's unfinished items and the run's progress (items done before counted).
struct QueueStart {
  RunProgress progress;
  WorkQueue queue;
};
QueueStart start_queue(const ExperimentConfig& config, const std::filesystem::path& run_dir, const RunPlan& plan,
                       const std::shared_ptr<spdlog::logger>& log);

// One worker: holds the data of one node at a time and runs items there. `prepare(node)` gives
// a node's data (its features from the feature cache, computed on a miss).
class ItemWorker {
 public:
  using PrepareNode = std::function<CutData(size_t node)>;
  ItemWorker(const ExperimentConfig& config, std::filesystem::path run_dir, const RunPlan& plan,
             const victim::Graph& victim, PrepareNode prepare, std::shared_ptr<spdlog::logger> log);

  // Makes `node` the held node, preparing its data when it is not held already.
  void hold(size_t node);
  // Runs item `item` of the plan (its node held) and stores its results in the run directory.
  // The attackers' settings were checked before (check_attackers).
  SeedRun run(size_t item);

 private:
  const ExperimentConfig& config_;
  std::filesystem::path run_dir_;
  const RunPlan& plan_;
  const victim::Graph& victim_;
  PrepareNode prepare_;
  std::shared_ptr<spdlog::logger> log_;
  std::optional<size_t> held_;
  CutData data_;
  std::optional<attack::ValidationSplit> split_;  // the held node's, made on first use
};

// "[cut] attacker: SSIM m [low, high], validation SSIM v": an item that ended, for the log.
std::string item_summary(const WorkItem& item, const SeedRun& run);

// Runs the run's unfinished items in this process, in plan order. An item that throws is logged
// and the others go on; its failure is returned. A bad-input Error (exit 2) stops the run.
std::vector<FailedItem> execute_alone(const ExperimentConfig& config, const std::filesystem::path& run_dir,
                                      const RunPlan& plan, const victim::Graph& victim,
                                      const ItemWorker::PrepareNode& prepare,
                                      const std::shared_ptr<spdlog::logger>& log);

}  // namespace splitleak::experiments
