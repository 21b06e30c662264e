#include "experiments/runner.h"

#include <nlohmann/json.hpp>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <regex>
#include <span>

#include "attack/attacker.h"
#include "attack/statistics.h"
#include "attack/threat_model.h"
#include "core/device.h"
#include "core/atomic_file.h"
#include "core/input_file.h"
#include "core/autograd.h"
#include "core/error.h"
#include "core/hdf5_io.h"
#include "core/memory.h"
#include "core/parallel.h"
#include "core/random.h"
#include "core/suggest.h"
#include "core/timing.h"
#include "datasets/dataset_spec.h"
#include "datasets/feature_cache.h"
#include "experiments/collector.h"
#include "experiments/defence_stage.h"
#include "experiments/disk_estimate.h"
#include "experiments/executor.h"
#include "experiments/fine_tuning.h"
#include "experiments/latency_stage.h"
#include "experiments/memory_estimate.h"
#include "experiments/node_data.h"
#include "experiments/progress_log.h"
#include "experiments/rank_steps.h"
#include "experiments/run_devices.h"
#include "experiments/cluster.h"
#if SPLITLEAK_WITH_MPI
#include "experiments/rank_executor.h"
#endif
#include "experiments/references.h"
#include "experiments/report.h"
#include "experiments/results.h"
#include "experiments/victim_setup.h"
#include "experiments/work_plan.h"
#include "splitleak/version.h"
#include "victim/accounting.h"
#include "victim/execute.h"
#include "victim/partition.h"

namespace splitleak::experiments {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// Rank 0 (or the only process) logs to log.txt, rank r of several to log.rank-r.txt.
std::shared_ptr<spdlog::logger> make_logger(const fs::path& run_dir) {
  const cluster::Place& place = cluster::place();
  const fs::path log_file = run_dir / (place.rank == 0 ? std::string("log.txt") : "log.rank-" + std::to_string(place.rank) + ".txt");
  auto console = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
  auto file = std::make_shared<spdlog::sinks::basic_file_sink_mt>(log_file.string(), false);
  auto logger = std::make_shared<spdlog::logger>("run", spdlog::sinks_init_list{console, file});
  logger->set_pattern("[%H:%M:%S] " + cluster::rank_prefix() + "%v");
  logger->flush_on(spdlog::level::info);
  return logger;
}



// The resolved configuration as config.resolved.yaml holds it: with the version and thread count.
std::string resolved_text(const ExperimentConfig& c) {
  return "# splitleak " + std::string(kVersion) + ", " + std::to_string(num_threads()) + " threads\n" + resolved_yaml(c);
}

// The run directory, created or (with --resume) checked to hold a run of the same resolved
// configuration and thread count; config.resolved.yaml written.
fs::path open_run_dir(const ExperimentConfig& c, const RunOptions& options) {
  const fs::path dir(run_dir_of(c, options));
  const std::string refusal = run_dir_refusal(c, options);
  check(refusal.empty(), refusal);
  for (const char* sub : {"checkpoints", "partial", "cache", "figures"}) {
    std::error_code ec;
    fs::create_directories(dir / sub, ec);
    check(!ec, dir.string() + ": cannot create the run directory's " + sub + "/: " + ec.message());
  }
  write_file_atomically((dir / "config.resolved.yaml").string(), resolved_text(c));
  return dir;
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

// The results' header: configuration, version, threads, the victim and the originals sampled.
RunResults new_results(const ExperimentConfig& c, const VictimSetup& setup, const RunInputs& in) {
  const victim::Graph& g = setup.graph;
  RunResults results;
  results.config = c;
  results.version = kVersion;
  results.threads = num_threads();
  results.victim = {c.victim.model, Shape(g.input().shape.begin() + 1, g.input().shape.end()),
                    g.parameter_count(), victim::total_cost(g, 0, static_cast<int>(g.nodes.size())).flops,
                    setup.accuracy, setup.data.test.size()};
  results.originals_sample = in.targets.images.slice(0, std::min<int64_t>(kSampleImages, in.targets.size()));
  return results;
}

struct Stage {
  std::shared_ptr<spdlog::logger> log;
  std::string name;
  Clock::time_point t0 = Clock::now();
  ~Stage() { log->info("stage {} took {:.1f} s", name, seconds_since(t0)); }
};

// The victim on every rank: rank 0 gives it its weights (trains it when the run does) and
// broadcasts them; the other ranks load the model and the data themselves.
VictimSetup victim_on_ranks(const ExperimentConfig& c, const fs::path& dir, const std::shared_ptr<spdlog::logger>& log) {
  Stage stage{log, "victim"};
  VictimSetup setup;
  on_root([&] { setup = setup_victim(c, dir, log); });
  if (!cluster::is_root()) {
    const datasets::FolderStorage storage = folder_storage(c, dir, log);  // rank 0 stored the folder already
    setup = load_victim_and_data(c, &storage);
  }
  share_weights(setup.graph);
  return setup;
}

// The attacks of every item of the plan, on this process or on every rank; the failed items
// (on rank 0; the other ranks return nothing).
std::vector<FailedItem> attack_everything(const ExperimentConfig& c, const fs::path& dir, const RunPlan& plan,
                                          const victim::Graph& g, const ItemWorker::PrepareNode& prepare,
                                          const std::shared_ptr<spdlog::logger>& log) {
  Stage stage{log, "attacks"};
#if SPLITLEAK_WITH_MPI
  if (cluster::place().size > 1) return execute_on_ranks(c, dir, plan, g, prepare, log);
#endif
  return execute_alone(c, dir, plan, g, prepare, log);
}

// Before the victim is trained or the data decoded: opens the devices, bounds the plan, and
// checks the memory and the disk the run needs, resolving runtime.features (auto recomputes the
// auxiliary features when storing them would not fit the free space); true: recompute them.
bool check_resources(const ExperimentConfig& c, const fs::path& dir, const std::shared_ptr<spdlog::logger>& log) {
  for (const std::string& device : open_run_devices(c)) log->info("device {}", device);
  const victim::Graph model = experiment_model(c);
  const std::vector<CutChoice> cuts = select_cuts(model, c.victim);
  check_plan_size(c, cuts.size());
  const auto measured = measure_configurations(c, model, cuts);
  const int64_t free = free_disk_bytes(dir.string()), folder_images = folder_image_count(c);
  const bool recompute = recomputes_features(c, model, cuts, folder_images, measured, dir.string(), free);
  RunMemory memory = estimate_run_memory(c, model, cuts, measured);
  if (recompute) memory.aux_features = 0;
  check_run_memory(memory, c.file);
  log->info("estimated memory: {}", memory_text(memory, available_memory_bytes()));
  const RunDisk disk = estimate_run_disk(c, model, cuts, folder_images, state_bytes_of(measured), recompute);
  check_run_disk(disk, dir.string(), free, c.file);
  log->info("estimated disk: {}, {} free; auxiliary features {}", disk_text(disk), bytes_text(free),
            recompute ? "recomputed on every batch" : "cached");
  return recompute;
}

// Throws Error (a failure: exit 1) listing the items that failed.
void check_no_failures(const std::vector<FailedItem>& failures, const RunPlan& plan, const fs::path& dir) {
  if (failures.empty()) return;
  std::string listed;
  for (const FailedItem& f : failures) listed += "\n  " + plan.items[f.item].label + ": " + f.error;
  throw Error(std::to_string(failures.size()) + " of " + std::to_string(plan.items.size()) +
                  " pairs failed; `splitleak run --resume --out " + dir.string() + "` runs them again:" + listed,
              Error::Kind::Failure);
}

// Removes a run directory this process created when the run stopped before any work landed in it
// and before a victim was trained there (so the corrected run needs no --resume).
void discard_unstarted_run(const fs::path& dir) {
  std::error_code ec;
  if (fs::exists(dir / "victim.h5", ec) || !fs::is_empty(dir / "checkpoints", ec) || !fs::is_empty(dir / "partial", ec))
    return;
  fs::remove_all(dir, ec);
}

RunSummary run_in(const ExperimentConfig& c, const RunOptions& options, const fs::path& dir, bool& work_started);

}  // namespace

namespace {

// `resolved` (config.resolved.yaml's text) with the automatic budgets' max_steps values taken out
// into `caps`, in order: what a resume compares (it may raise them).
std::string without_caps(const std::string& resolved, std::vector<int64_t>& caps) {
  static const std::regex cap("(\\n *max_steps: )([0-9]+)");
  std::string out;
  auto last = resolved.cbegin();
  for (std::sregex_iterator it(resolved.begin(), resolved.end(), cap), end; it != end; ++it) {
    out.append(last, (*it)[2].first);
    caps.push_back(std::stoll((*it)[2].str()));
    last = (*it)[2].second;
  }
  return out.append(last, resolved.cend());
}

}  // namespace

std::string run_dir_of(const ExperimentConfig& c, const RunOptions& options) {
  return options.out_dir.empty() ? c.output : options.out_dir;
}

std::string run_dir_refusal(const ExperimentConfig& c, const RunOptions& options) {
  const fs::path dir(run_dir_of(c, options));
  const fs::path resolved_path = dir / "config.resolved.yaml";
  std::error_code ec;
  if (!fs::exists(resolved_path, ec)) return "";
  if (!options.resume) return dir.string() + ": a run directory already; --resume continues it, --out picks another";
  const std::string before = read_file(resolved_path.string()), now = resolved_text(c);
  std::vector<int64_t> caps_before, caps_now;
  if (without_caps(before, caps_before) != without_caps(now, caps_now) || caps_now.size() != caps_before.size())
    return dir.string() + ": the configuration (or thread count) differs from the run being resumed; see " +
           resolved_path.string();
  for (size_t i = 0; i < caps_now.size(); ++i)
    if (caps_now[i] < caps_before[i])
      return dir.string() + ": an automatic budget's max_steps was " + std::to_string(caps_before[i]) +
             " in the run being resumed; a resume may raise it (the items still rising continue), not lower it";
  return "";
}

RunSummary run_experiment(const ExperimentConfig& c, const RunOptions& options) {
  check_paths(c);
  if (c.threads > 0) set_num_threads(c.threads);
  const fs::path dir(run_dir_of(c, options));
  std::error_code ec;
  const bool created_now = cluster::is_root() && !fs::exists(dir, ec);
  on_root([&] { open_run_dir(c, options); });
  bool work_started = false;
  try {
    return run_in(c, options, dir, work_started);
  } catch (...) {  // whatever stopped it: bad input, a library's exception, memory
    if (created_now && !work_started) discard_unstarted_run(dir);
    throw;
  }
}

namespace {

// The run in its opened directory; `work_started` is set once the work items may start landing.
RunSummary run_in(const ExperimentConfig& c, const RunOptions& options, const fs::path& dir, bool& work_started) {
  auto log = make_logger(dir);
  log->info("run {} in {} ({} threads{}){}", c.name, dir.string(), num_threads(),
            cluster::place().size > 1 ? fmt::format(" per rank, {} ranks", cluster::place().size) : std::string(),
            options.resume ? ", resuming" : "");

  int64_t recompute = 0;  // runtime.features resolved on rank 0, then shared
  on_root([&] { recompute = check_resources(c, dir, log) ? 1 : 0; });
  cluster::broadcast(std::span<int64_t>(&recompute, 1));
  const VictimSetup setup = victim_on_ranks(c, dir, log);
  const victim::Graph& g = setup.graph;
  const RunInputs in = prepare_inputs(c, setup, recompute != 0);
  const std::vector<CutChoice> cuts = select_cuts(g, c.victim);
  const RunPlan plan = plan_work(c, g, cuts);
  on_root([&] {
    const victim::Partition first = victim::partition(g, plan.nodes.front().name);
    const auto& cut_shape = g.nodes[plan.nodes.front().index].shape;
    check_attackers(c, {Shape(cut_shape.begin() + 1, cut_shape.end()), Shape(g.input().shape.begin() + 1, g.input().shape.end()),
                        &first.front, rank_device(c.runtime.attack_device)});
  });
  const datasets::FeatureCache cache((dir / "cache").string());
  NodeVictims victims;
  if (c.fine_tunes()) {
    Stage stage{log, "fine-tuning"};
    victims = fine_tune_defences(c, dir, plan, setup, in, cache, log);
  }
  const ItemWorker::PrepareNode prepare = [&](size_t k) {
    return node_data(c, in, cache, node_victim(victims, k, g), plan.nodes[k], log);
  };
  if (cluster::is_root())
    log->info("victim {}: accuracy {} on {} test images; {} cuts, {} attackers", c.victim.model,
              std::isnan(setup.accuracy) ? std::string("n/a (no labels)") : fmt::format("{:.4f}", setup.accuracy),
              setup.data.test.size(), cuts.size(), c.attackers.size());

  const auto run_t0 = Clock::now();
  work_started = true;
  const std::vector<FailedItem> failures = attack_everything(c, dir, plan, g, prepare, log);
  cluster::agree_on_exit();  // every rank is past the work queue: the rest is rank 0's alone
  if (!cluster::is_root()) {
    spdlog::drop("run");
    return RunSummary{dir.string(), "", "", ""};
  }
  check_no_failures(failures, plan, dir);

  RunResults results = new_results(c, setup, in);
  // Baselines that need no feature map (the label prior, the data set's mean image) and the
  // label leakage of chance.
  std::vector<attack::AttackerScores> baselines;
  {
    Stage stage{log, "baselines"};
    baselines = score_baselines(c, g, *in.aux_images, in.targets.images, in.target_classes, in.records);
  }
  label_chance(g, in.target_classes, results);
  const LatencySetup latency = latency_setup(c, in.targets.images);
  std::vector<std::vector<attack::AttackerScores>> attacked;
  for (size_t k = 0; k < cuts.size(); ++k) {
    Stage stage{log, "cut " + cuts[k].name};
    CutResult r = describe_cut(g, cuts[k]);
    const victim::Partition p = victim::partition(g, cuts[k].name);
    r.distance_correlation = attack::distance_correlation(
        in.targets.images, target_features(c, in, cache, p, rank_device(c.runtime.attack_device), plan.nodes[k], log));
    AttackedCut a = collect_node(c, dir, plan, k, log);
    r.reconstructions_sample = stack_samples(a.samples);
    attacked.push_back(std::move(a.attackers));
    r.latency = split_latency(c, p, latency);
    results.cuts.push_back(std::move(r));
  }
  // The output floor: what the GPU side rebuilds from the model's output alone.
  results.floor.node = g.nodes.back().name;
  results.floor.from_cut = plan.floor_is_cut;
  results.floor.attackers = plan.floor_is_cut ? attacked.back() : collect_node(c, dir, plan, plan.floor_node(), log).attackers;
  results.floor.best = strongest(results.floor.attackers, baselines.front());
  log->info("output floor at {}: {} SSIM {:.3f} [{:.3f}, {:.3f}]", results.floor.node, results.floor.best.attacker,
            results.floor.best.ssim_mean.mean, results.floor.best.ssim_mean.low, results.floor.best.ssim_mean.high);

  whole_model_latency(c, g, latency, results);
  judge_cuts(c, attacked, baselines, results, log);
  std::vector<std::vector<attack::AttackerScores>> attacked_defended;
  for (size_t d = 1; d < c.defences.size(); ++d)
    for (size_t k = 0; k < cuts.size(); ++k) {
      const AttackedNode& node = plan.nodes[plan.node_of(k, d)];
      Stage stage{log, node_tag(c, node)};
      CutResult r = describe_cut(g, cuts[k]);
      r.defence = d;
      const Device attack_device = rank_device(c.runtime.attack_device);
      const auto p = node_partition(c, in, cache, node_victim(victims, plan.node_of(k, d), g), node, attack_device, log);
      r.distance_correlation =
          attack::distance_correlation(in.targets.images, target_features(c, in, cache, *p, attack_device, node, log));
      AttackedCut a = collect_node(c, dir, plan, plan.node_of(k, d), log);
      r.reconstructions_sample = stack_samples(a.samples);
      attacked_defended.push_back(std::move(a.attackers));
      r.accuracy = defended_accuracy(*p, setup.data.test, derive_seed(node.seed, 3));
      r.latency = split_latency(c, *p, latency);
      results.defended.push_back(std::move(r));
    }
  judge_defended(c, attacked_defended, baselines, results, log);
  RunSummary summary;
  {
    Stage stage{log, "results and report"};
    summary = write_run(results, dir);
  }
  log->info("done in {}: recommended cut {} (rule {}); report {}", duration_text(seconds_since(run_t0)),
            summary.recommended_cut.empty() ? "none (no safe cut)" : summary.recommended_cut, c.privacy.rule,
            summary.report_html);
  spdlog::drop("run");
  return summary;
}

}  // namespace

}  // namespace splitleak::experiments
