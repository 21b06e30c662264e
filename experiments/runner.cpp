#include "experiments/runner.h"

#include <nlohmann/json.hpp>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <filesystem>

#include "attack/attacker.h"
#include "attack/threat_model.h"
#include "core/atomic_file.h"
#include "core/autograd.h"
#include "core/error.h"
#include "core/hdf5_io.h"
#include "core/parallel.h"
#include "core/suggest.h"
#include "core/timing.h"
#include "datasets/dataset_spec.h"
#include "datasets/feature_cache.h"
#include "datasets/hash.h"
#include "gpu_runtime/opencl_device.h"
#include "gpu_runtime/opencl_executor.h"
#include "gpu_runtime/roofline.h"
#include "tee_runtime/latency.h"
#include "experiments/report.h"
#include "experiments/results.h"
#include "experiments/victim_setup.h"
#include "splitleak/version.h"
#include "victim/accounting.h"
#include "victim/execute.h"
#include "victim/partition.h"

namespace splitleak::experiments {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
constexpr int64_t kSampleImages = 8;  // reconstructions kept per (cut, attacker) for the report

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

std::string duration_text(double seconds) {
  const int64_t s = static_cast<int64_t>(seconds + 0.5);
  char buf[32];
  if (s >= 3600) std::snprintf(buf, sizeof buf, "%ldh%02ldm", static_cast<long>(s / 3600), static_cast<long>(s / 60 % 60));
  else std::snprintf(buf, sizeof buf, "%ldm%02lds", static_cast<long>(s / 60), static_cast<long>(s % 60));
  return buf;
}

// File-name form of a cut name (ONNX names hold '/' and ':').
std::string file_stem(const std::string& name) {
  std::string out;
  for (char c : name) out += std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' ? c : '_';
  return out;
}

std::shared_ptr<spdlog::logger> make_logger(const fs::path& log_file) {
  auto console = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
  auto file = std::make_shared<spdlog::sinks::basic_file_sink_mt>(log_file.string(), false);
  auto logger = std::make_shared<spdlog::logger>("run", spdlog::sinks_init_list{console, file});
  logger->set_pattern("[%H:%M:%S] %v");
  logger->flush_on(spdlog::level::info);
  return logger;
}


// Where the back partition's time comes from, as results.json and the report name it.
std::string describe_gpu_backend(const RuntimeConfig& r) {
  if (r.gpu_backend == "opencl")
    return gpu::parse_device(r.gpu_device).spec() + " (" + gpu::OpenClExecutor::device_name_of(r.gpu_device) + ")";
  if (r.gpu_backend == "model") return "model " + r.gpu_model.name + " (roofline)";
  return "cpu";
}

struct GpuTime {
  double compute_ms = 0;   // the graph's time on the GPU side (median)
  double transfer_ms = 0;  // its input over the link (opencl: the measured upload)
};

// `graph` on input `x` (a back partition on the feature map, or the whole victim): on the CPU
// engine with the link modelled, on the OpenCL device (profiled kernels and download; upload
// as the transfer), or estimated by the roofline model.
GpuTime time_on_gpu(const ExperimentConfig& c, const victim::Graph& graph, const Tensor& x, int iters) {
  GpuTime t;
  const double link_ms = static_cast<double>(x.numel()) * 4 / (c.runtime.link_gb_per_s * 1e9) * 1e3;
  if (c.runtime.gpu_backend == "opencl") {
    gpu::OpenClExecutor executor(graph, c.runtime.gpu_device);
    gpu::GpuTiming timing;
    executor.run(x, &timing);  // warm-up
    std::vector<double> compute, upload;
    for (int i = 0; i < iters; ++i) {
      executor.run(x, &timing);
      compute.push_back(timing.kernels_ms + timing.download_ms), upload.push_back(timing.upload_ms);
    }
    t.compute_ms = median(std::move(compute)), t.transfer_ms = median(std::move(upload));
  } else if (c.runtime.gpu_backend == "model") {
    gpu::GpuModel m = c.runtime.gpu_model;
    m.link_gb_per_s = c.runtime.link_gb_per_s;
    const gpu::RooflineEstimate e = gpu::roofline_estimate(m, graph, x.size(0));
    t.compute_ms = e.kernels_ms, t.transfer_ms = e.upload_ms;
  } else {
    victim::run(graph, x);  // warm-up: first-touch allocations, thread start
    t.compute_ms = median_ms(iters, [&] { victim::run(graph, x); });
    t.transfer_ms = link_ms;
  }
  return t;
}

// The score file of one (cut, attacker): per-image metrics (exact doubles) and training time;
// its presence means the pair is done.
struct PairFiles {
  fs::path scores, sample, checkpoint;
};

void save_pair(const PairFiles& f, const attack::AttackerScores& s, const Tensor& sample) {
  nlohmann::json j = {{"attacker", s.attacker}, {"ssim", s.ssim},         {"psnr", s.psnr},
                      {"mse", s.mse},           {"label_leak", s.label_leak}, {"train_seconds", s.train_seconds}};
  h5::write_tensors(f.sample.string(), {{"reconstructions", sample}}, {});
  write_file_atomically(f.scores.string(), j.dump() + "\n");
}

std::optional<attack::AttackerScores> load_pair(const PairFiles& f, const std::string& kind,
                                                const std::shared_ptr<spdlog::logger>& log) {
  if (!fs::exists(f.scores) || !fs::exists(f.sample)) return std::nullopt;
  try {
    const nlohmann::json j = nlohmann::json::parse(read_file(f.scores.string()));
    attack::AttackerScores s;
    s.attacker = j.at("attacker").get<std::string>();
    check(s.attacker == kind, "another attacker's scores");
    s.ssim = j.at("ssim").get<std::vector<double>>(), s.psnr = j.at("psnr").get<std::vector<double>>();
    s.mse = j.at("mse").get<std::vector<double>>(), s.label_leak = j.at("label_leak").get<std::vector<double>>();
    s.train_seconds = j.at("train_seconds").get<double>();
    h5::read_tensor(f.sample.string(), "reconstructions");
    return s;
  } catch (const std::exception& e) {
    log->warn("{}: unreadable ({}); the pair is redone", f.scores.string(), e.what());
    return std::nullopt;
  }
}

// Means and intervals from the per-image values (a pure function of them and the seed, so a
// resumed run's intervals equal an uninterrupted run's).
void summarise(attack::AttackerScores& s, uint64_t seed, double confidence) {
  s.ssim_mean = attack::bootstrap_mean(s.ssim, seed, confidence);
  s.psnr_mean = attack::bootstrap_mean(s.psnr, seed + 1, confidence);
  s.mse_mean = attack::bootstrap_mean(s.mse, seed + 2, confidence);
  s.label_leak_mean = attack::bootstrap_mean(s.label_leak, seed + 3, confidence);
}

std::string model_hash(const victim::Graph& g) {
  std::vector<std::string> parts{g.input().name};
  for (const auto& n : g.nodes) parts.push_back(n.name + "/" + std::to_string(static_cast<int>(n.op)));
  for (const auto& [name, t] : g.tensors) parts.push_back(name + "=" + datasets::hash_tensor(t));
  return datasets::hash_strings(parts);
}

struct Stage {
  std::shared_ptr<spdlog::logger> log;
  std::string name;
  Clock::time_point t0 = Clock::now();
  ~Stage() { log->info("stage {} took {:.1f} s", name, seconds_since(t0)); }
};

}  // namespace

RunSummary run_experiment(const ExperimentConfig& c, const RunOptions& options) {
  check_paths(c);
  const fs::path dir = options.out_dir.empty() ? fs::path(c.output) : fs::path(options.out_dir);
  const fs::path resolved_path = dir / "config.resolved.yaml";
  if (c.threads > 0) set_num_threads(c.threads);
  std::string resolved = resolved_yaml(c);
  resolved = "# splitleak " + std::string(kVersion) + ", " + std::to_string(num_threads()) + " threads\n" + resolved;
  if (fs::exists(resolved_path)) {
    check(options.resume, dir.string() + ": a run directory already; --resume continues it, --out picks another");
    std::string before = read_file(resolved_path.string());
    check(before == resolved, dir.string() + ": the configuration (or thread count) differs from the run being resumed; "
                                             "see " + resolved_path.string());
  }
  for (const char* sub : {"checkpoints", "partial", "cache", "figures"}) fs::create_directories(dir / sub);
  write_file_atomically(resolved_path.string(), resolved);
  auto log = make_logger(dir / "log.txt");
  log->info("run {} in {} ({} threads){}", c.name, dir.string(), num_threads(), options.resume ? ", resuming" : "");

  // Victim and data.
  VictimSetup setup;
  {
    Stage stage{log, "victim"};
    setup = setup_victim(c, dir, log);
  }
  const victim::Graph& g = setup.graph;
  const datasets::ImageSet targets = setup.data.test.slice(0, c.dataset.test);
  const attack::AuxData aux_setting = attack::parse_aux_data(c.dataset.aux_data);
  const Tensor aux_images = attack::auxiliary_images(aux_setting, targets.images, setup.data.train.images, c.dataset.aux,
                                                     c.seed + 17);
  const std::vector<CutChoice> cuts = select_cuts(g, c.victim);
  log->info("victim {}: accuracy {:.4f} on {} test images; {} cuts, {} attackers", c.victim.model, setup.accuracy,
            setup.data.test.size(), cuts.size(), c.attackers.size());

  RunResults results;
  results.config = c;
  results.version = kVersion;
  results.threads = num_threads();
  results.victim = {c.victim.model, Shape(g.input().shape.begin() + 1, g.input().shape.end()),
                    g.parameter_count(), victim::total_cost(g, 0, static_cast<int>(g.nodes.size())).flops,
                    setup.accuracy, setup.data.test.size()};
  results.originals_sample = targets.images.slice(0, std::min<int64_t>(kSampleImages, targets.size()));

  const datasets::FeatureCache cache((dir / "cache").string());
  const std::string mhash = model_hash(g);
  const std::string aux_hash = datasets::hash_tensor(aux_images), target_hash = datasets::hash_tensor(targets.images);
  const Tensor latency_input = targets.images.slice(0, std::min<int64_t>(c.runtime.latency_batch, targets.size()));
  const std::string gpu_description = describe_gpu_backend(c.runtime);
  tee::EnclaveOptions tee_options;
  tee_options.backend = c.runtime.tee_backend;
  tee_options.memory_budget_bytes = c.runtime.tee_memory_budget_mib << 20;

  const size_t pairs = cuts.size() * c.attackers.size();
  size_t done_pairs = 0;
  const auto run_t0 = Clock::now();
  double work_seconds = 0;  // spent on pairs computed in this process (for the ETA)
  size_t computed_pairs = 0;
  for (size_t k = 0; k < cuts.size(); ++k) {
    const CutChoice& cut = cuts[k];
    Stage stage{log, "cut " + cut.name};
    const victim::Partition p = victim::partition(g, cut.name);
    CutResult r;
    r.name = cut.name, r.index = cut.index;
    r.feature_shape = Shape(g.nodes[cut.index].shape.begin() + 1, g.nodes[cut.index].shape.end());
    const auto costs_front = victim::total_cost(g, 0, cut.index + 1);
    const auto costs_back = victim::total_cost(g, cut.index + 1, static_cast<int>(g.nodes.size()));
    r.front_flops = costs_front.flops, r.back_flops = costs_back.flops;
    r.front_weight_bytes = costs_front.weight_bytes;
    r.feature_bytes = shape_numel(g.nodes[cut.index].shape) * 4;

    const Tensor aux_f = cache.get_or_compute({mhash, cut.name, aux_hash, "aux"}, [&] { return victim::run_in_batches(p.front, aux_images, 128); });
    const Tensor target_f =
        cache.get_or_compute({mhash, cut.name, target_hash, "test"}, [&] { return victim::run_in_batches(p.front, targets.images, 128); });
    const attack::AttackContext ctx{r.feature_shape, results.victim.input_shape, &p.front};

    std::vector<attack::AttackerScores> scores;
    std::vector<Tensor> samples;
    for (size_t i = 0; i < c.attackers.size(); ++i) {
      const AttackerConfig& a = c.attackers[i];
      const std::string stem = file_stem(cut.name) + "." + std::to_string(i) + "." + a.kind;
      const PairFiles files{dir / "partial" / (stem + ".json"), dir / "partial" / (stem + ".h5"),
                            dir / "checkpoints" / (stem + ".h5")};
      const uint64_t pair_seed = c.seed * 1000003ull + k * 1009ull + i;
      std::optional<attack::AttackerScores> s = load_pair(files, a.kind, log);
      if (s) {
        log->info("[cut {}/{} {}] {}: done before (SSIM {:.3f})", k + 1, cuts.size(), cut.name, a.kind,
                  attack::bootstrap_mean(s->ssim, 0, 0.95).mean);
      } else {
        const auto t0 = Clock::now();
        std::map<std::string, std::string> origins;
        for (const auto& [key, o] : a.origins) origins[key] = o.str();
        auto attacker = attack::make_attacker(a.kind, attack::Config(a.origin.str(), a.settings, origins), ctx);
        attack::FitOptions fit;
        fit.steps = a.steps, fit.batch_size = a.batch_size, fit.seed = pair_seed;
        fit.checkpoint = files.checkpoint.string();
        auto last = Clock::now() - std::chrono::hours(1);
        fit.progress = [&](const attack::FitProgress& pr) {
          if (Clock::now() - last < std::chrono::seconds(10) && pr.step != pr.steps) return;
          last = Clock::now();
          const double rate = static_cast<double>(pr.step) / std::max(1e-9, seconds_since(t0));
          log->info("[cut {}/{} {}] {}: step {}/{} loss {:.4f}, {:.1f} steps/s, pair ETA {}", k + 1, cuts.size(),
                    cut.name, a.kind, pr.step, pr.steps, pr.loss, rate,
                    duration_text(static_cast<double>(pr.steps - pr.step) / std::max(rate, 1e-9)));
        };
        attacker->fit(aux_f, aux_images, fit);
        const Tensor rec = attacker->reconstruct(target_f);
        const double seconds = seconds_since(t0);
        s = attack::score_reconstructions(a.kind, rec, targets.images, g, pair_seed, c.privacy.confidence);
        s->train_seconds = seconds;
        save_pair(files, *s, rec.slice(0, std::min<int64_t>(kSampleImages, rec.size(0))));
        work_seconds += seconds, ++computed_pairs;
      }
      ++done_pairs;
      summarise(*s, pair_seed, c.privacy.confidence);
      log->info("[cut {}/{} {}] {}: SSIM {:.3f} [{:.3f}, {:.3f}] PSNR {:.2f} label leakage {:.2f} ({}/{} pairs, ETA {})",
                k + 1, cuts.size(), cut.name, a.kind, s->ssim_mean.mean, s->ssim_mean.low, s->ssim_mean.high,
                s->psnr_mean.mean, s->label_leak_mean.mean, done_pairs, pairs,
                computed_pairs ? duration_text(work_seconds / static_cast<double>(computed_pairs) *
                                               static_cast<double>(pairs - done_pairs))
                               : std::string("-"));
      samples.push_back(h5::read_tensor(files.sample.string(), "reconstructions"));
      scores.push_back(*s);
    }
    r.verdict = attack::judge_cut(cut.name, scores, c.privacy.threshold);
    Shape sample_shape = samples.front().shape();
    sample_shape.insert(sample_shape.begin(), static_cast<int64_t>(samples.size()));
    r.reconstructions_sample = Tensor::empty(sample_shape);
    for (size_t i = 0; i < samples.size(); ++i) r.reconstructions_sample.slice(i, i + 1).view(samples[i].shape()).copy_from(samples[i]);

    // Latency of the split at this cut: the front where the TEE runs it, the feature map over
    // the link, the back where the GPU runs it.
    {
      autograd::NoGradGuard no_grad;
      const int iters = static_cast<int>(c.runtime.latency_iters);
      r.latency.tee_backend = c.runtime.tee_backend, r.latency.gpu_backend = gpu_description;
      r.latency.tee = tee::measure_tee_latency(p.front, latency_input, iters, tee_options, c.runtime.sgx);
      r.latency.tee_ms = r.latency.tee.total_ms();
      const Tensor features = victim::run(p.front, latency_input);
      const GpuTime t = time_on_gpu(c, p.back, features, iters);
      r.latency.gpu_ms = t.compute_ms, r.latency.transfer_ms = t.transfer_ms;
    }
    results.cuts.push_back(std::move(r));
  }
  {
    autograd::NoGradGuard no_grad;
    const int iters = static_cast<int>(c.runtime.latency_iters);
    results.full_tee = tee::measure_tee_latency(g, latency_input, iters, tee_options, c.runtime.sgx);
    results.full_tee_ms = results.full_tee.total_ms();
    const GpuTime t = time_on_gpu(c, g, latency_input, iters);
    results.no_tee_ms = t.compute_ms + t.transfer_ms;
    results.gpu_backend = gpu_description;
  }
  std::vector<attack::CutVerdict> verdicts;
  for (const auto& r : results.cuts) verdicts.push_back(r.verdict);
  results.recommended = attack::recommend_cut(verdicts);

  RunSummary summary;
  summary.run_dir = dir.string();
  summary.results_json = (dir / "results.json").string();
  write_results_json(results, summary.results_json);
  write_results_csv(results, (dir / "results.csv").string());
  write_results_h5(results, (dir / "results.h5").string());
  summary.recommended_cut = results.recommended ? results.cuts[*results.recommended].name : "";
  {
    Stage stage{log, "report"};
    summary.report_html = render_report(dir.string());
  }
  log->info("done in {}: recommended cut {}; report {}", duration_text(seconds_since(run_t0)),
            summary.recommended_cut.empty() ? "none (no safe cut)" : summary.recommended_cut, summary.report_html);
  spdlog::drop("run");
  return summary;
}

}  // namespace splitleak::experiments
