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

// The run directory: --out, or the experiment's output.
std::string run_dir_of(const ExperimentConfig& config, const RunOptions& options);
// Why `run` would refuse its run directory (one exists and --resume was not given, or it holds a
// run of another configuration or thread count), or "".
std::string run_dir_refusal(const ExperimentConfig& config, const RunOptions& options);

// The --dry-run plan: victim, cuts with feature shapes and FLOPs, attackers, missing paths, and
// an estimate of the time, as text. Opens what the run will use (the model and weights, the data
// set's files or folder, the devices, the run directory) and refuses what the run would refuse,
// with the same message.
std::string plan_experiment(const ExperimentConfig& config, const RunOptions& options);

}  // namespace splitleak::experiments
