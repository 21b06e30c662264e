#include "experiments/cut_attacks.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <optional>

#include "attack/convergence.h"
#include "attack/metrics.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "core/hdf5_io.h"
#include "core/timing.h"

namespace splitleak::experiments {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using json = nlohmann::json;

// The files of one (cut, attacker, seed): its score file's presence means the pair is done.
struct PairFiles {
  fs::path scores, sample, checkpoint, curve;
};

PairFiles pair_files(const fs::path& dir, const std::string& stem) {
  return {dir / "partial" / (stem + ".json"), dir / "partial" / (stem + ".h5"), dir / "checkpoints" / (stem + ".h5"),
          dir / "checkpoints" / (stem + ".curve.json")};
}

// One restart's outcome: held-out per-image scores and its validation curve.
struct SeedRun {
  attack::AttackerScores scores;
  bool learned = false;       // the attacker learns: the curve applies
  attack::Convergence curve;  // validation SSIM per evaluation step
};

json curve_json(const attack::Convergence& c) { return {{"steps", c.steps}, {"ssim", c.ssim}}; }

attack::Convergence curve_from(const json& j) {
  attack::Convergence c;
  c.steps = j.at("steps").get<std::vector<int64_t>>(), c.ssim = j.at("ssim").get<std::vector<double>>();
  check(c.steps.size() == c.ssim.size(), "a validation curve with unequal steps and values");
  return c;
}

void save_seed(const PairFiles& f, const SeedRun& r, const Tensor& sample) {
  const attack::AttackerScores& s = r.scores;
  json j = {{"attacker", s.attacker}, {"ssim", s.ssim},         {"psnr", s.psnr},
            {"mse", s.mse},           {"label_leak", s.label_leak}, {"train_seconds", s.train_seconds},
            {"learns", r.learned},    {"validation", curve_json(r.curve)}};
  if (s.has_records())
    j["records"] = {{"mae", s.record_mae}, {"accuracy", s.record_accuracy}, {"column_mae", s.column_mae}};
  h5::write_tensors(f.sample.string(), {{"reconstructions", sample}}, {});
  write_file_atomically(f.scores.string(), j.dump() + "\n");
}

std::optional<SeedRun> load_seed(const PairFiles& f, const std::string& kind, const std::shared_ptr<spdlog::logger>& log) {
  if (!fs::exists(f.scores) || !fs::exists(f.sample)) return std::nullopt;
  try {
    const json j = json::parse(read_file(f.scores.string()));
    SeedRun r;
    attack::AttackerScores& s = r.scores;
    s.attacker = j.at("attacker").get<std::string>();
    check(s.attacker == kind, "another attacker's scores");
    s.ssim = j.at("ssim").get<std::vector<double>>(), s.psnr = j.at("psnr").get<std::vector<double>>();
    s.mse = j.at("mse").get<std::vector<double>>(), s.label_leak = j.at("label_leak").get<std::vector<double>>();
    s.train_seconds = j.at("train_seconds").get<double>();
    r.learned = j.at("learns").get<bool>();
    r.curve = curve_from(j.at("validation"));
    if (j.contains("records")) {
      const json& records = j.at("records");
      records.at("mae").get_to(s.record_mae), records.at("accuracy").get_to(s.record_accuracy);
      records.at("column_mae").get_to(s.column_mae);
      check(s.record_mae.size() == s.ssim.size() && s.record_accuracy.size() == s.ssim.size(),
            "record scores for another number of records");
    }
    h5::read_tensor(f.sample.string(), "reconstructions");
    return r;
  } catch (const std::exception& e) {
    log->warn("{}: unreadable ({}); the pair is redone", f.scores.string(), e.what());
    return std::nullopt;
  }
}

// The validation curve written so far (a run killed after a checkpoint resumes with it);
// points at or after a step evaluated again are replaced.
attack::Convergence load_curve(const fs::path& path) {
  if (!fs::exists(path)) return {};
  try {
    return curve_from(json::parse(read_file(path.string())));
  } catch (const std::exception&) {
    return {};
  }
}

void add_point(attack::Convergence& c, int64_t step, double ssim) {
  while (!c.steps.empty() && c.steps.back() >= step) c.steps.pop_back(), c.ssim.pop_back();
  c.steps.push_back(step), c.ssim.push_back(ssim);
}

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
  std::map<std::string, std::string> origins;
  for (const auto& [key, o] : a.origins) origins[key] = o.str();
  std::map<std::string, std::string> settings = a.settings;
  if (restart > 0) {
    const int64_t base = settings.count("seed") ? std::stoll(settings.at("seed")) : 0;
    settings["seed"] = std::to_string(base + restart);  // another initialisation
  }
  auto attacker = attack::make_attacker(a.kind, attack::Config(a.origin.str(), settings, origins), cut.context);
  check(attacker->learns() || a.seeds == 1,
        a.origin.str() + ".seeds: " + a.kind + " learns nothing, so restarts cannot differ; give seeds: 1");
  SeedRun run;
  run.learned = attacker->learns();
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
  if (attacker->learns()) {
    if (!split)
      split = attack::split_validation(cut.aux_features, cut.aux_images, attack::kValidationFraction, cut.seed + 31);
    run.curve = load_curve(files.curve);
    fit.evaluate_at = attack::evaluation_steps(a.steps, a.evaluation_interval());
    fit.evaluate = [&](int64_t step) {
      const Tensor rec = attacker->reconstruct(split->val_features);
      add_point(run.curve, step, mean(attack::ssim_per_image(rec, split->val_images)));
      write_file_atomically(files.curve.string(), curve_json(run.curve).dump() + "\n");
    };
    attacker->fit(split->train_features, split->train_images, fit);
  } else {
    attacker->fit(cut.aux_features, cut.aux_images, fit);
  }
  const Tensor rec = attacker->reconstruct(cut.target_features);
  run.scores = attack::score_reconstructions(a.kind, rec, cut.target_images, g, fit_seed, c.privacy.confidence,
                                             c.privacy.tail_ssim, cut.target_classes);
  cut.score_records.score(rec, run.scores, fit_seed, c.privacy.confidence, c.privacy.tail_ssim);
  run.scores.train_seconds = seconds_since(t0);
  save_seed(files, run, rec.slice(0, std::min<int64_t>(kSampleImages, rec.size(0))));
  return run;
}

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
      attack::assess_convergence(s.convergence, a.steps, c.privacy.converged_delta);
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

std::string RunProgress::eta() const {
  if (computed == 0) return "-";
  return duration_text(work_seconds / static_cast<double>(computed) * static_cast<double>(total - done));
}

AttackedCut attack_cut(const ExperimentConfig& c, const fs::path& dir, const CutData& cut, const victim::Graph& g,
                       RunProgress& progress, const std::shared_ptr<spdlog::logger>& log) {
  AttackedCut out;
  std::optional<attack::ValidationSplit> split;
  for (size_t i = 0; i < c.attackers.size(); ++i) {
    const AttackerConfig& a = c.attackers[i];
    const uint64_t pair_seed = cut.seed + i;
    std::vector<SeedRun> runs;
    std::vector<uint64_t> seeds;
    for (int64_t j = 0; j < a.seeds; ++j) {
      const std::string stem = cut.file_stem + "." + std::to_string(i) + "." + a.kind + (j > 0 ? ".s" + std::to_string(j) : "");
      const PairFiles files = pair_files(dir, stem);
      const uint64_t fit_seed = pair_seed + 104729ull * static_cast<uint64_t>(j);
      const std::string label = "[" + cut.name + "] " + a.kind + (a.seeds > 1 ? " seed " + std::to_string(j + 1) + "/" + std::to_string(a.seeds) : "");
      std::optional<SeedRun> run = load_seed(files, a.kind, log);
      if (run) {
        log->info("{}: done before (SSIM {:.3f})", label, mean(run->scores.ssim));
        summarise(run->scores, fit_seed, c.privacy.confidence, c.privacy.tail_ssim);  // as score_reconstructions does
      } else {
        run = run_seed(c, a, cut, g, files, fit_seed, j, label, split, log);
        progress.work_seconds += run->scores.train_seconds, ++progress.computed;
      }
      ++progress.done;
      log->info("{}: SSIM {:.3f} [{:.3f}, {:.3f}]{} ({}/{} pairs, ETA {})", label, run->scores.ssim_mean.mean,
                run->scores.ssim_mean.low, run->scores.ssim_mean.high,
                run->learned && !run->curve.ssim.empty() ? fmt::format(", validation SSIM {:.3f}", run->curve.ssim.back()) : std::string(), progress.done,
                progress.total, progress.eta());
      runs.push_back(std::move(*run));
      seeds.push_back(fit_seed);
    }
    attack::AttackerScores s = choose_restart(c, a, runs, seeds);
    const std::string chosen = cut.file_stem + "." + std::to_string(i) + "." + a.kind +
                               (s.chosen_seed > 0 ? ".s" + std::to_string(s.chosen_seed) : "");
    out.samples.push_back(h5::read_tensor(pair_files(dir, chosen).sample.string(), "reconstructions"));
    out.attackers.push_back(std::move(s));
  }
  return out;
}

}  // namespace splitleak::experiments
