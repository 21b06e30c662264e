#pragma once
// `splitleak run`: the data flow of docs/design.md for one experiment. Every finished piece of work
// lands in the run directory before the next starts (the trained victim, each attacker's
// checkpoints, each (cut, attacker) score file), so a killed run continues with --resume and
// ends with the same results.json metrics as an uninterrupted one.
#include <functional>
#include <string>

#include "experiments/experiment.h"

namespace splitleak::experiments {

struct RunOptions {
  std::string out_dir;  // overrides config.output when not empty
  bool resume = false;  // continue in an existing run directory
};

struct RunSummary {
  std::string run_dir, results_json, report_html;
  std::string recommended_cut;  // "" when no cut is safe
};

// Throws Error (bad input: exit 2) for configuration, file and cut problems found before work
// starts; other failures propagate as they come.
RunSummary run_experiment(const ExperimentConfig& config, const RunOptions& options);

// The --dry-run plan: victim, cuts with feature shapes and FLOPs, attackers, missing paths, and
// an estimate of the time, as text. Loads the model (not the data) when it can.
std::string plan_experiment(const ExperimentConfig& config);

}  // namespace splitleak::experiments
