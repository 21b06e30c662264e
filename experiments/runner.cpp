#include "experiments/runner.h"

#include <nlohmann/json.hpp>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <filesystem>

#include "attack/attacker.h"
#include "attack/statistics.h"
#include "attack/threat_model.h"
#include "core/device.h"
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
#include "experiments/cut_attacks.h"
#include "experiments/references.h"
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
    return parse_device(r.gpu_device).spec() + " (" + gpu::OpenClExecutor::device_name_of(r.gpu_device) + ")";
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

// Latency of the split at a cut: the front where the TEE runs it, the feature map over the link,
// the back where the GPU runs it.
Latency split_latency(const ExperimentConfig& c, const victim::Partition& p, const Tensor& input,
                      const tee::EnclaveOptions& tee_options, const std::string& gpu_description) {
  autograd::NoGradGuard no_grad;
  const int iters = static_cast<int>(c.runtime.latency_iters);
  Latency l;
  l.tee_backend = c.runtime.tee_backend, l.gpu_backend = gpu_description;
  l.tee = tee::measure_tee_latency(p.front, input, iters, tee_options, c.runtime.sgx);
  l.tee_ms = l.tee.total_ms();
  const GpuTime t = time_on_gpu(c, p.back, victim::run(p.front, input), iters);
  l.gpu_ms = t.compute_ms, l.transfer_ms = t.transfer_ms;
  return l;
}

// The cut's shapes and costs (no scores yet).
CutResult describe_cut(const victim::Graph& g, const CutChoice& cut) {
  CutResult r;
  r.name = cut.name, r.index = cut.index;
  r.feature_shape = Shape(g.nodes[cut.index].shape.begin() + 1, g.nodes[cut.index].shape.end());
  const auto front = victim::total_cost(g, 0, cut.index + 1);
  const auto back = victim::total_cost(g, cut.index + 1, static_cast<int>(g.nodes.size()));
  r.front_flops = front.flops, r.back_flops = back.flops, r.front_weight_bytes = front.weight_bytes;
  r.feature_bytes = shape_numel(g.nodes[cut.index].shape) * 4;
  return r;
}

// (attackers, k, C, H, W) from one (k, C, H, W) sample per attacker.
Tensor stack_samples(const std::vector<Tensor>& samples) {
  Shape shape = samples.front().shape();
  shape.insert(shape.begin(), static_cast<int64_t>(samples.size()));
  Tensor out = Tensor::empty(shape);
  for (size_t i = 0; i < samples.size(); ++i) out.slice(i, i + 1).view(samples[i].shape()).copy_from(samples[i]);
  return out;
}

std::string model_hash(const victim::Graph& g) {
  std::vector<std::string> parts{g.input().name};
  for (const auto& n : g.nodes) parts.push_back(n.name + "/" + std::to_string(n.op.index()));
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

  // Baselines that need no feature map (the label prior, the data set's mean image) and the
  // label leakage of chance.
  const std::vector<int64_t> target_classes = attack::top1_classes(g, targets.images);
  const RecordScorer records = setup.records ? RecordScorer(setup.records, targets.size()) : RecordScorer();
  const std::vector<attack::AttackerScores> baselines =
      score_baselines(c, g, aux_images, targets.images, target_classes, records);
  label_chance(g, target_classes, results);

  const int output_node = static_cast<int>(g.nodes.size()) - 1;
  const bool floor_is_cut = !cuts.empty() && cuts.back().index == output_node;
  RunProgress progress;
  for (const auto& a : c.attackers) progress.total += static_cast<size_t>(a.seeds) * (cuts.size() + (floor_is_cut ? 0 : 1));
  const auto run_t0 = Clock::now();
  // The feature maps at node `index` and everything the attackers there need.
  auto cut_data = [&](const victim::Partition& p, const std::string& name, int index, const std::string& stem, size_t k) {
    CutData d;
    d.name = name, d.file_stem = stem, d.seed = c.seed * 1000003ull + k * 1009ull;
    d.aux_images = aux_images, d.target_images = targets.images, d.target_classes = target_classes;
    d.score_records = records;
    // Extracted on the attack device (cached per device: float rounding differs between them).
    const Device attack_device = parse_device(c.runtime.attack_device);
    const std::string on = attack_device.opencl ? "@" + attack_device.spec() : "";
    const victim::Graph front = victim::on_device(p.front, attack_device);
    d.aux_features = cache.get_or_compute({mhash, name, aux_hash, "aux" + on},
                                          [&] { return victim::run_in_batches(front, aux_images, 128); });
    d.target_features = cache.get_or_compute({mhash, name, target_hash, "test" + on},
                                             [&] { return victim::run_in_batches(front, targets.images, 128); });
    d.context = {Shape(g.nodes[index].shape.begin() + 1, g.nodes[index].shape.end()), results.victim.input_shape, &p.front,
                 parse_device(c.runtime.attack_device)};
    return d;
  };

  std::vector<std::vector<attack::AttackerScores>> attacked;
  for (size_t k = 0; k < cuts.size(); ++k) {
    const CutChoice& cut = cuts[k];
    Stage stage{log, "cut " + cut.name};
    const victim::Partition p = victim::partition(g, cut.name);
    CutResult r = describe_cut(g, cut);
    const CutData data = cut_data(p, cut.name, cut.index, file_stem(cut.name), k);
    r.distance_correlation = attack::distance_correlation(data.target_images, data.target_features);
    AttackedCut a = attack_cut(c, dir, data, g, progress, log);
    r.reconstructions_sample = stack_samples(a.samples);
    attacked.push_back(std::move(a.attackers));
    r.latency = split_latency(c, p, latency_input, tee_options, gpu_description);
    results.cuts.push_back(std::move(r));
  }
  // The output floor: what the GPU side rebuilds from the model's output alone.
  results.floor.node = g.nodes[static_cast<size_t>(output_node)].name;
  results.floor.from_cut = floor_is_cut;
  if (floor_is_cut) {
    results.floor.attackers = attacked.back();
  } else {
    Stage stage{log, "output floor " + results.floor.node};
    const victim::Partition p = victim::partition(g, results.floor.node);
    const CutData data = cut_data(p, results.floor.node, output_node, "floor." + file_stem(results.floor.node), cuts.size());
    results.floor.attackers = attack_cut(c, dir, data, g, progress, log).attackers;
  }
  results.floor.best = strongest(results.floor.attackers, baselines.front());
  log->info("output floor at {}: {} SSIM {:.3f} [{:.3f}, {:.3f}]", results.floor.node, results.floor.best.attacker,
            results.floor.best.ssim_mean.mean, results.floor.best.ssim_mean.low, results.floor.best.ssim_mean.high);

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
  {
    autograd::NoGradGuard no_grad;
    const int iters = static_cast<int>(c.runtime.latency_iters);
    results.full_tee = tee::measure_tee_latency(g, latency_input, iters, tee_options, c.runtime.sgx);
    results.full_tee_ms = results.full_tee.total_ms();
    const GpuTime t = time_on_gpu(c, g, latency_input, iters);
    results.no_tee_ms = t.compute_ms + t.transfer_ms;
    results.gpu_backend = gpu_description;
  }
  results.recommended_absolute = attack::recommend_cut(verdicts, attack::Rule::Absolute);
  results.recommended_beyond_output = attack::recommend_cut(verdicts, attack::Rule::BeyondOutput);
  results.recommended = rules.rule == attack::Rule::Absolute ? results.recommended_absolute : results.recommended_beyond_output;

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
  log->info("done in {}: recommended cut {} (rule {}); report {}", duration_text(seconds_since(run_t0)),
            summary.recommended_cut.empty() ? "none (no safe cut)" : summary.recommended_cut, c.privacy.rule,
            summary.report_html);
  spdlog::drop("run");
  return summary;
}

}  // namespace splitleak::experiments
