#include "experiments/collector.h"

#include "attack/convergence.h"
#include "core/error.h"
#include "core/hdf5_io.h"
#include "experiments/defence_stage.h"
#include "experiments/pair_store.h"
#include "experiments/references.h"
#include "experiments/report.h"

namespace splitleak::experiments {
namespace {

// The restarts of one attacker folded into its scores: the chosen restart's per-image values,
// every restart's held-out interval and curve, under_trained when any restart still improved.
// Error when a learned attacker left no validation curve.
attack::AttackerScores choose_restart(const ExperimentConfig& c, const AttackerConfig& a, const std::vector<SeedRun>& runs,
                                      const std::vector<uint64_t>& seeds) {
  std::vector<attack::SeedScore> restarts;
  for (size_t j = 0; j < runs.size() && runs[j].learned; ++j) {
    attack::SeedScore s;
    s.seed = seeds[j];
    s.convergence = runs[j].curve;
    try {
      // A fixed budget ends at `steps`; an automatic one where its budget was fixed, its last point.
      const int64_t end = a.auto_steps && !s.convergence.steps.empty() ? s.convergence.steps.back() : a.steps;
      attack::assess_convergence(s.convergence, end, c.privacy.converged_delta);
    } catch (const Error& e) {
      throw Error(a.origin.str() + ": " + a.kind + " learns but " + e.what());
    }
    s.validation_ssim = s.convergence.ssim.back();
    s.ssim = runs[j].scores.ssim_mean;
    restarts.push_back(std::move(s));
  }
  size_t best = 0;
  for (size_t j = 1; j < restarts.size(); ++j)
    if (restarts[j].validation_ssim > restarts[best].validation_ssim) best = j;
  attack::AttackerScores out = runs[best].scores;
  out.train_seconds = 0;
  for (const auto& r : runs) out.train_seconds += r.scores.train_seconds;
  for (const auto& r : restarts) out.under_trained = out.under_trained || r.convergence.under_trained;
  out.seeds = std::move(restarts);
  out.chosen_seed = best;
  return out;
}

}  // namespace

AttackedCut collect_node(const ExperimentConfig& c, const std::filesystem::path& dir, const RunPlan& plan, size_t node,
                         const std::shared_ptr<spdlog::logger>& log) {
  AttackedCut out;
  for (size_t i = 0; i < c.attackers.size(); ++i) {
    const AttackerConfig& a = c.attackers[i];
    const std::vector<WorkItem> restarts = plan.restarts_of(node, i);
    std::vector<SeedRun> runs;
    std::vector<uint64_t> seeds;
    for (const WorkItem& item : restarts) {
      std::optional<SeedRun> run = load_seed(pair_files(dir, item.stem), a.kind, log);
      check(run.has_value(), item.label + ": no results in " + pair_files(dir, item.stem).scores.string());
      attack::summarise(run->scores, item.fit_seed, c.privacy.confidence, c.privacy.tail_ssim);
      runs.push_back(std::move(*run));
      seeds.push_back(item.fit_seed);
    }
    attack::AttackerScores s = choose_restart(c, a, runs, seeds);
    const WorkItem& chosen = restarts.at(s.chosen_seed);
    out.samples.push_back(h5::read_tensor(pair_files(dir, chosen.stem).sample.string(), "reconstructions"));
    out.attackers.push_back(std::move(s));
  }
  return out;
}

void judge_cuts(const ExperimentConfig& c, const std::vector<std::vector<attack::AttackerScores>>& attacked,
                const std::vector<attack::AttackerScores>& baselines, RunResults& results,
                const std::shared_ptr<spdlog::logger>& log) {
  const attack::PrivacyRules rules = privacy_rules(c.privacy);
  std::vector<attack::CutVerdict> verdicts;
  for (size_t k = 0; k < results.cuts.size(); ++k) {
    CutResult& r = results.cuts[k];
    r.verdict = attack::judge_cut(r.name, attacked[k], baselines, results.floor.best, rules, c.seed * 1000003ull + k * 1009ull + 500);
    for (const attack::Rule rule : {attack::Rule::Absolute, attack::Rule::BeyondOutput})
      log->info("[cut {}] {}: {}: {}", r.name, attack::rule_name(rule), attack::status_name(r.verdict.under(rule).status),
                r.verdict.under(rule).reason);
    verdicts.push_back(r.verdict);
  }
  results.recommended_absolute = attack::recommend_cut(verdicts, attack::Rule::Absolute);
  results.recommended_beyond_output = attack::recommend_cut(verdicts, attack::Rule::BeyondOutput);
  results.recommended = rules.rule == attack::Rule::Absolute ? results.recommended_absolute : results.recommended_beyond_output;
}

void judge_defended(const ExperimentConfig& c, const std::vector<std::vector<attack::AttackerScores>>& attacked,
                    const std::vector<attack::AttackerScores>& baselines, RunResults& results,
                    const std::shared_ptr<spdlog::logger>& log) {
  const attack::PrivacyRules rules = privacy_rules(c.privacy);
  for (size_t i = 0; i < results.defended.size(); ++i) {
    CutResult& r = results.defended[i];
    const std::string label = pair_label(c, r.name, r.defence);
    r.verdict = attack::judge_cut(label, attacked[i], baselines, results.floor.best, rules,
                                  c.seed * 1000003ull + (results.cuts.size() + i) * 1009ull + 500);
    log->info("[{}] {}: {}: {}; accuracy {:.4f}", label, c.privacy.rule, attack::status_name(r.verdict.status()),
              r.verdict.decided().reason, r.accuracy);
  }
  results.decision = decide_pair(results);
  log->info("decision: {}", results.decision ? results.decision->sentence : "no (cut, defence) pair is safe within "
                                                                            "privacy.max_accuracy_drop");
}

RunSummary write_run(const RunResults& results, const std::filesystem::path& dir) {
  RunSummary summary;
  summary.run_dir = dir.string();
  summary.results_json = (dir / "results.json").string();
  write_results_json(results, summary.results_json);
  write_results_csv(results, (dir / "results.csv").string());
  write_results_h5(results, (dir / "results.h5").string());
  summary.recommended_cut = results.recommended ? results.cuts[*results.recommended].name : "";
  summary.report_html = render_report(dir.string());
  return summary;
}

}  // namespace splitleak::experiments
