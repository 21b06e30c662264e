// `splitleak run EXP.yaml [--out DIR] [--set key.path=value]... [--resume] [--dry-run]`: loads
// and validates the experiment, then prints the plan (--dry-run) or runs it.
#include <cstdio>

#include "cli/commands.h"
#include "experiments/cluster.h"
#include "experiments/experiment.h"
#include "experiments/runner.h"

namespace splitleak::cli {
namespace {

struct RunCommandOptions {
  std::string file, out;
  std::vector<std::string> overrides;
  bool resume = false, dry_run = false;
};

int run_command(RunCommandOptions o) {
  // --threads on the command line outranks the file's threads.
  if (requested_threads() > 0) o.overrides.push_back("threads=" + std::to_string(requested_threads()));
  const experiments::ExperimentConfig config = experiments::load_experiment(o.file, o.overrides);
  if (o.dry_run) {
    if (experiments::cluster::is_root()) std::printf("%s", experiments::plan_experiment(config, {o.out, o.resume}).c_str());
    return 0;
  }
  const experiments::RunSummary s = experiments::run_experiment(config, {o.out, o.resume});
  if (!experiments::cluster::is_root()) return 0;  // rank 0 prints the run's summary
  std::printf("run_dir=%s\nresults=%s\n", s.run_dir.c_str(), s.results_json.c_str());
  if (!s.report_html.empty()) std::printf("report=%s\n", s.report_html.c_str());
  std::printf("recommended_cut=%s\n", s.recommended_cut.empty() ? "none" : s.recommended_cut.c_str());
  return 0;
}

const bool registered = add_command(
    {"run", "Run an experiment: train the attackers at every cut, score them, recommend a cut",
     [](CLI::App& sub) -> std::function<int()> {
       auto o = std::make_shared<RunCommandOptions>();
       sub.add_option("experiment", o->file, "Experiment file (YAML; docs/experiments.md)")->required();
       sub.add_option("--out", o->out, "Run directory (default: the experiment's output)")->check(output_dir());
       sub.add_option("--set", o->overrides, "Override a key: key.path=value (list entries by index: attackers.0.steps=50)");
       sub.add_flag("--resume", o->resume, "Continue the run in the run directory");
       sub.add_flag("--dry-run", o->dry_run, "Validate and print the plan without training");
       return [o] { return run_command(*o); };
     }});

}  // namespace
}  // namespace splitleak::cli
