#include "experiments/executor.h"

#include <chrono>
#include <optional>

#include "attack/convergence.h"
#include "attack/metrics.h"
#include "attack/step_budget.h"
#include "core/error.h"
#include "core/timing.h"
#include "experiments/pair_store.h"

namespace splitleak::experiments {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return v.empty() ? 0.0 : s / static_cast<double>(v.size());
}

// Trains one restart (learned attackers on the training part of the validation split) and
// scores its reconstructions of the held-out inputs.
// `split` is the cut's validation split, made on first use (shared by its learned attackers).
SeedRun run_seed(const ExperimentConfig& c, const AttackerConfig& a, const CutData& cut, const victim::Graph& g,
                 const PairFiles& files, uint64_t fit_seed, int64_t restart, const std::string& label,
                 std::optional<attack::ValidationSplit>& split, const std::shared_ptr<spdlog::logger>& log) {
  const auto t0 = Clock::now();
  std::map<std::string, std::string> settings = a.settings;
  if (restart > 0) {
    const int64_t base = settings.count("seed") ? std::stoll(settings.at("seed")) : 0;
    settings["seed"] = std::to_string(base + restart);  // another initialisation
  }
  auto attacker = attack::make_attacker(a.kind, attack::Config(a.origin.str(), settings, a.origin_texts()), cut.context);
  SeedRun run;
  run.learned = attack::attacker_traits(a.kind).learns;
  attack::FitOptions fit;
  fit.steps = a.steps, fit.batch_size = a.batch_size, fit.seed = fit_seed;
  fit.checkpoint = files.checkpoint.string();
  auto last = Clock::now() - std::chrono::hours(1);
  fit.progress = [&](const attack::FitProgress& pr) {
    if (Clock::now() - last < std::chrono::seconds(10) && pr.step != pr.steps) return;
    last = Clock::now();
    const double rate = static_cast<double>(pr.step) / std::max(1e-9, seconds_since(t0));
    log->info("{}: step {}/{} loss {:.4f}, {:.1f} steps/s, pair ETA {}", label, pr.step, pr.steps, pr.loss, rate,
              duration_text(static_cast<double>(pr.steps - pr.step) / std::max(rate, 1e-9)));
  };
  if (run.learned) {
    if (!split)
      split = attack::split_validation(cut.aux_features, cut.aux_images, attack::kValidationFraction, cut.seed + 31);
    run.curve = load_curve(files.curve);
    run.curve.flat_steps.clear();  // a resumed automatic budget asks again (StepBudget::resume)
    fit.evaluate = [&](int64_t step) {
      add_point(run.curve, step, attack::validation_ssim(*attacker, *split));
      save_curve(files.curve, run.curve);
    };
    if (a.auto_steps) {
      fit.evaluate_at = attack::auto_evaluation_steps(a.max_steps, a.evaluation_interval());
      fit.min_steps = a.min_steps;
      fit.plateau_checks = attack::plateau_checks(a.max_steps, a.evaluation_interval());
      fit.plateaued = [&](int64_t step) {  // the convergence rule, asked at `step`
        if (attack::rise_over_last_fifth(run.curve, step) > c.privacy.converged_delta) return false;
        run.curve.flat_steps.push_back(step);
        save_curve(files.curve, run.curve);
        return true;
      };
    } else {
      fit.evaluate_at = attack::evaluation_steps(a.steps, a.evaluation_interval());
    }
    attacker->fit(*split->train_features, *split->train_images, fit);
  } else {
    attacker->fit(*cut.aux_features, *cut.aux_images, fit);
  }
  const Tensor rec = attacker->reconstruct(cut.target_features);
  run.scores = attack::score_reconstructions(a.kind, rec, cut.target_images, g, fit_seed, c.privacy.confidence,
                                             c.privacy.tail_ssim, cut.target_classes);
  cut.score_records.score(rec, run.scores, fit_seed, c.privacy.confidence, c.privacy.tail_ssim);
  run.scores.train_seconds = seconds_since(t0);
  save_seed(files, run, rec.slice(0, std::min<int64_t>(kSampleImages, rec.size(0))));
  return run;
}

}  // namespace

void check_attackers(const ExperimentConfig& c, const attack::AttackContext& context) {
  for (const AttackerConfig& a : c.attackers) {
    try {
      attack::make_attacker(a.kind, attack::Config(a.origin.str(), a.settings, a.origin_texts()), context);
    } catch (const Error& e) {
      // A setting's own check names its place; what the networks refuse (a width, a memory
      // estimate) is named by the attacker's entry.
      if (std::string(e.what()).find(a.origin.file) != std::string::npos) throw;
      throw Error(a.origin.str() + " (" + a.kind + "): " + e.what(), e.kind());
    }
    if (a.auto_steps && a.settings.count("decay_fraction"))
      throw Error(a.origins.at("decay_fraction").str() +
                  ": steps: auto cuts its rate where the curve is flat; decay_fraction applies to fixed steps only");
    check(!a.auto_steps || attack::attacker_traits(a.kind).learns,
          a.origin.str() + ".steps: " + a.kind + " learns nothing: give it no steps, not auto");
    check(attack::attacker_traits(a.kind).learns || a.seeds == 1,
          a.origin.str() + ".seeds: " + a.kind + " learns nothing, so restarts cannot differ; give seeds: 1");
  }
}

std::string RunProgress::eta() const {
  if (computed == 0) return "-";
  return duration_text(work_seconds / static_cast<double>(computed) * static_cast<double>(total - done));
}

void RunProgress::add_computed(double seconds) { work_seconds += seconds, ++computed, ++done; }

bool reaches_further(const AttackerConfig& a, const SeedRun& run) {
  if (!a.auto_steps || !run.learned || run.curve.steps.empty()) return false;
  const bool stopped = static_cast<int>(run.curve.flat_steps.size()) > attack::kLrDrops;
  return !stopped && run.curve.steps.back() < a.max_steps;
}

std::vector<bool> finished_items(const ExperimentConfig& c, const fs::path& dir, const RunPlan& plan,
                                 RunProgress& progress, const std::shared_ptr<spdlog::logger>& log) {
  std::vector<bool> finished(plan.items.size(), false);
  for (size_t i = 0; i < plan.items.size(); ++i) {
    const WorkItem& item = plan.items[i];
    const AttackerConfig& a = c.attackers[item.attacker];
    const std::optional<SeedRun> run = load_seed(pair_files(dir, item.stem), a.kind, log);
    if (!run) continue;
    if (reaches_further(a, *run)) {
      log->info("{}: still rising at its cap of {} steps, continues to max_steps {}", item.label,
                run->curve.steps.back(), a.max_steps);
      continue;
    }
    finished[i] = true;
    ++progress.done;
    log->info("{}: done before (SSIM {:.3f})", item.label, mean(run->scores.ssim));
  }
  return finished;
}

QueueStart start_queue(const ExperimentConfig& c, const fs::path& dir, const RunPlan& plan,
                       const std::shared_ptr<spdlog::logger>& log) {
  RunProgress progress;
  progress.total = plan.items.size();
  std::vector<bool> finished = finished_items(c, dir, plan, progress, log);
  return {progress, WorkQueue(plan, finished)};
}

ItemWorker::ItemWorker(const ExperimentConfig& c, fs::path dir, const RunPlan& plan, const victim::Graph& g,
                       PrepareNode prepare, std::shared_ptr<spdlog::logger> log)
    : config_(c), run_dir_(std::move(dir)), plan_(plan), victim_(g), prepare_(std::move(prepare)), log_(std::move(log)) {}

void ItemWorker::hold(size_t node) {
  if (held_ == node) return;
  held_.reset(), split_.reset();
  data_ = prepare_(node);
  held_ = node;
}

SeedRun ItemWorker::run(size_t index) {
  const WorkItem& item = plan_.items.at(index);
  check(held_ == item.node, "ItemWorker: the item's node is not held");
  const AttackerConfig& a = config_.attackers[item.attacker];
  return run_seed(config_, a, data_, victim_, pair_files(run_dir_, item.stem), item.fit_seed, item.restart, item.label,
                  split_, log_);
}

std::string item_summary(const WorkItem& item, const SeedRun& run) {
  std::string learned;
  if (run.learned && !run.curve.ssim.empty()) {
    learned = fmt::format(", validation SSIM {:.3f} after {} steps", run.curve.ssim.back(), run.curve.steps.back());
    std::vector<int64_t> cuts = run.curve.flat_steps;
    const bool stopped = static_cast<int>(cuts.size()) > attack::kLrDrops;
    if (stopped) cuts.pop_back();
    std::string listed;
    for (int64_t s : cuts) listed += (listed.empty() ? "" : ", ") + std::to_string(s);
    if (!cuts.empty()) learned += " (rate cut at " + listed + (stopped ? "; flat again: converged)" : "; the cap came first)");
  }
  return fmt::format("{}: SSIM {:.3f} [{:.3f}, {:.3f}]{}", item.label, run.scores.ssim_mean.mean,
                     run.scores.ssim_mean.low, run.scores.ssim_mean.high, learned);
}

std::vector<FailedItem> execute_alone(const ExperimentConfig& c, const fs::path& dir, const RunPlan& plan,
                                      const victim::Graph& g, const ItemWorker::PrepareNode& prepare,
                                      const std::shared_ptr<spdlog::logger>& log) {
  auto [progress, queue] = start_queue(c, dir, plan, log);
  ItemWorker worker(c, dir, plan, g, prepare, log);
  for (Assignment next = queue.next(0); next.kind == Assignment::Kind::Item; next = queue.next(0)) {
    const WorkItem& item = plan.items[next.item];
    try {
      worker.hold(item.node);
      queue.features_ready(item.node);
      const SeedRun run = worker.run(next.item);
      progress.add_computed(run.scores.train_seconds);
      log->info("{} ({}/{} pairs, ETA {})", item_summary(item, run), progress.done, progress.total, progress.eta());
      queue.finished(next.item, 0, "");
    } catch (const Error& e) {
      if (e.kind() == Error::Kind::BadInput) throw;
      log->error("{}: failed: {}", item.label, e.what());
      queue.finished(next.item, 0, e.what());
    } catch (const std::exception& e) {
      log->error("{}: failed: {}", item.label, e.what());
      queue.finished(next.item, 0, e.what());
    }
  }
  return queue.failures();
}

}  // namespace splitleak::experiments
