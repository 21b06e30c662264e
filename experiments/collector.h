#pragma once
// The collector: the finished work items of a plan (work_plan.h), read back from the run
// directory (pair_store.h), folded into each attacker's scores at each node (the restart with the
// best validation SSIM is kept, every restart's held-out score recorded beside it), then the
// verdicts and the run's results files and report. Reading from the files alone, it gives the
// same figures whether the items ran in this process, in an earlier one (--resume) or elsewhere.
#include <spdlog/logger.h>

#include <filesystem>
#include <memory>
#include <vector>

#include "attack/evaluator.h"
#include "experiments/experiment.h"
#include "experiments/results.h"
#include "experiments/runner.h"
#include "experiments/work_plan.h"

namespace splitleak::experiments {

struct AttackedCut {
  std::vector<attack::AttackerScores> attackers;  // in config order, summarised, seeds filled
  std::vector<Tensor> samples;                    // per attacker: the chosen restart's first reconstructions
};

// Every attacker at node `node` of `plan`. Throws Error naming the item whose results are missing
// or unreadable, and a learned attacker that left no validation curve.
AttackedCut collect_node(const ExperimentConfig& config, const std::filesystem::path& run_dir, const RunPlan& plan,
                         size_t node, const std::shared_ptr<spdlog::logger>& log);

// Every cut's verdict under both rules (logged) and the recommended cut per rule, into `results`
// (its cuts and floor filled; attacked[k]: the attackers of cut k).
void judge_cuts(const ExperimentConfig& config, const std::vector<std::vector<attack::AttackerScores>>& attacked,
                const std::vector<attack::AttackerScores>& baselines, RunResults& results,
                const std::shared_ptr<spdlog::logger>& log);

// Each defended pair's verdict under both rules (logged; attacked[i]: the attackers of
// results.defended[i]), then results.decision (experiments/defence_stage.h). After judge_cuts.
void judge_defended(const ExperimentConfig& config, const std::vector<std::vector<attack::AttackerScores>>& attacked,
                    const std::vector<attack::AttackerScores>& baselines, RunResults& results,
                    const std::shared_ptr<spdlog::logger>& log);

// results.json, results.csv, results.h5 and report.html in `run_dir`, written atomically.
RunSummary write_run(const RunResults& results, const std::filesystem::path& run_dir);

}  // namespace splitleak::experiments
