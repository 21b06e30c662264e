// The --dry-run plan: what a run would do, from the configuration and the model alone.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <optional>
#include <sstream>

#include "attack/attacker.h"
#include "core/error.h"
#include "core/memory.h"
#include "core/random.h"
#include "datasets/dataset_spec.h"
#include "datasets/image_folder.h"
#include "victim/partition.h"
#include "experiments/attacker_cost.h"
#include "experiments/disk_estimate.h"
#include "experiments/memory_estimate.h"
#include "experiments/run_devices.h"
#include "experiments/runner.h"
#include "experiments/victim_setup.h"
#include "experiments/work_plan.h"
#include "victim/accounting.h"
#include "victim/load.h"
#include "victim/model_file.h"

namespace splitleak::experiments {
namespace {

std::string flops_text(int64_t flops) {
  char buf[32];
  if (flops >= 1'000'000'000) std::snprintf(buf, sizeof buf, "%.2f GFLOP", static_cast<double>(flops) / 1e9);
  else std::snprintf(buf, sizeof buf, "%.2f MFLOP", static_cast<double>(flops) / 1e6);
  return buf;
}

// What the dry run's time estimate covers.
struct AttackEstimate {
  double seconds = 0;
  int64_t timed = 0;    // attacker configurations whose step was timed
  int64_t reused = 0;   // entries of a configuration timed before (same kind and settings)
  int64_t untimed = 0;  // configurations left out once the timing budget was spent
  int64_t peak_attacker_bytes = 0;  // the largest StepCost::peak_bytes of those timed
  std::map<std::string, StepCost> measured;  // configuration_key -> what was measured
};

// A dry run times steps for at most this long in all, so it answers in seconds.
constexpr double kTimingBudgetSeconds = 10;

// Each attacker's fit step time scaled by steps, plus its reconstruction iterations (scaled by
// the iteration count and the held-out batches), times seeds and the attacked nodes (the cuts
// and the output floor). A configuration (kind and settings) is timed once; none is timed after
// kTimingBudgetSeconds.
AttackEstimate estimate_attacks(const victim::Graph& g, const std::vector<CutChoice>& cuts, const ExperimentConfig& c,
                                int64_t attacked_nodes) {
  AttackEstimate e;
  if (cuts.empty()) return e;
  const victim::Partition p = victim::partition(g, cuts.front().name);
  const Shape feature(g.nodes[cuts.front().index].shape.begin() + 1, g.nodes[cuts.front().index].shape.end());
  const Shape image(g.input().shape.begin() + 1, g.input().shape.end());
  Generator gen(1);
  std::map<std::string, StepCost>& step_of = e.measured;  // seconds per step and iteration, peak and state bytes
  const auto t0 = std::chrono::steady_clock::now();
  for (const auto& a : c.attackers) {
    const std::optional<Iterations> iterations = reconstruction_iterations(a, c.dataset.test);
    const std::string key = configuration_key(a);
    auto known = step_of.find(key);
    if (known != step_of.end()) {
      ++e.reused;
    } else if (std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() < kTimingBudgetSeconds) {
      known = step_of.emplace(key, measure_attacker(a, c, p, feature, image, iterations, gen)).first;
      ++e.timed;
    } else {
      ++e.untimed;
      continue;
    }
    e.peak_attacker_bytes = std::max(e.peak_attacker_bytes, known->second.peak_bytes);
    double seconds = known->second.fit_step_seconds * static_cast<double>(a.steps);
    if (iterations)
      seconds += known->second.iteration_seconds * static_cast<double>(iterations->count) *
                 std::ceil(static_cast<double>(c.dataset.test) / static_cast<double>(iterations->batch));
    e.seconds += seconds * static_cast<double>(attacked_nodes) * static_cast<double>(a.seeds);
  }
  return e;
}

// The defences, none first, and what judging them adds; empty without defences.
std::string defences_text(const ExperimentConfig& c) {
  if (c.defences.size() <= 1) return "";
  std::string out = "defences (" + std::to_string(c.defences.size()) + ", each at every cut, attackers trained on its "
                    "defended features):";
  for (const auto& d : c.defences) out.append(" ").append(d.spec.label()).append(&d == &c.defences.front() ? " (reference)," : ",");
  out.back() = '\n';
  char line[160];
  std::snprintf(line, sizeof line, "  a defended pair is chosen when safe and losing at most %.4g top-1 accuracy\n",
                c.privacy.max_accuracy_drop);
  out += line;
  std::string tuned;
  for (const auto& d : c.defences)
    if (d.spec.finetune > 0) tuned.append(tuned.empty() ? "" : ", ").append(d.spec.label());
  if (!tuned.empty())
    out.append("  fine-tuned at every cut before the attacks (victim.train's batch size, optimiser and lr, the "
               "whole training split): ")
        .append(tuned)
        .append("\n");
  return out;
}

bool any_auto(const ExperimentConfig& c) {
  return std::any_of(c.attackers.begin(), c.attackers.end(), [](const AttackerConfig& a) { return a.auto_steps; });
}

// The image folder scanned as the run scans it (not decoded): its image and class counts. Entries
// that cannot be read as files are warned about by name and counted, as the run counts them.
std::string scan_folder(const ExperimentConfig& c, int64_t& images) {
  datasets::ImageFolderOptions o;
  o.root = c.dataset.path;
  const datasets::ImageFolder folder(o);
  images = folder.size();
  std::string text = std::to_string(folder.size()) + " images in " +
                     (folder.labelled() ? std::to_string(folder.class_names().size()) + " classes" : "one unlabelled folder");
  if (folder.undecodable() > 0) text += ", " + std::to_string(folder.undecodable()) + " entries not readable as images (named above)";
  return text;
}

}  // namespace

std::string plan_experiment(const ExperimentConfig& c, const RunOptions& options) {
  std::ostringstream out;
  const std::string refusal = run_dir_refusal(c, options);
  check(refusal.empty(), refusal);
  out << "experiment " << c.name << " (" << c.file << "), seed " << c.seed << ", output " << run_dir_of(c, options)
      << (options.resume ? " (resumed)" : "") << "\n";
  for (const std::string& device : open_run_devices(c)) out << "device: " << device << "\n";
  out << "dataset: " << c.dataset.spec() << ", " << c.dataset.aux << " auxiliary images (" << c.dataset.aux_data << "), "
      << c.dataset.test << " held-out images\n";
  const auto missing = missing_paths(c);
  for (const auto& m : missing) out << "missing: " << m << "\n";
  out << "victim: " << c.victim.model;
  if (!c.victim.weights.empty()) out << ", weights " << c.victim.weights;
  if (c.victim.train.enabled) out << ", trained here for " << c.victim.train.epochs << " epochs";
  out << "\n";
  const bool model_is_here = missing.empty() || (c.victim.model.find(".onnx") == std::string::npos &&
                                                 c.victim.model.find(".h5") == std::string::npos);
  const auto defence_count = static_cast<int64_t>(c.defences.size());  // none and the file's defences
  int64_t cut_count = 0, attacked_nodes = 0, work_items = -1;
  std::optional<AttackEstimate> estimate;
  std::optional<RunMemory> memory;
  std::optional<RunDisk> disk;
  int64_t folder_images = 0;
  bool recompute = false;
  if (model_is_here) {
    const victim::Graph g = experiment_model(c);
    const int n = static_cast<int>(g.nodes.size());
    if (missing.empty() && !c.victim.weights.empty())
      check_weights_fit(g, victim::load_model_file(c.victim.weights), c.path_origins.at("victim.weights").str());
    if (missing.empty() && c.dataset.kind == "folder") out << "  data: " << scan_folder(c, folder_images) << "\n";
    if (missing.empty() && c.dataset.kind != "folder") {
      // Fashion-MNIST and TON_IoT load in seconds; their records must fit the model's input (an
      // image folder is resized to any input and is not read here).
      const Shape& in = g.input().shape;
      const datasets::TrainTest data = load_experiment_data(c, in[1], in[2]).data;
      out << "  data: " << data.train.size() << " training and " << data.test.size() << " held-out images of "
          << shape_str(data.train.image_shape()) << "\n";
      check_dataset_sizes(c, data);
    }
    out << "  input " << shape_str(g.input().shape) << ", " << g.parameter_count() << " parameters, "
        << flops_text(victim::total_cost(g, 0, n).flops) << " per image\n";
    const auto cuts = select_cuts(g, c.victim);
    check_plan_size(c, cuts.size());  // before anything is timed or listed
    cut_count = static_cast<int64_t>(cuts.size());
    const bool floor_is_cut = !cuts.empty() && cuts.back().index == n - 1;
    attacked_nodes = cut_count * defence_count + (floor_is_cut ? 0 : 1);
    out << "cuts (" << cuts.size() << "):\n";
    for (const auto& cut : cuts) {
      const auto front = victim::total_cost(g, 0, cut.index + 1), back = victim::total_cost(g, cut.index + 1, n);
      char line[256];
      std::snprintf(line, sizeof line, "  %-24s feature %-16s front %12s  back %12s\n", cut.name.c_str(),
                    shape_str(Shape(g.nodes[cut.index].shape.begin() + 1, g.nodes[cut.index].shape.end())).c_str(),
                    flops_text(front.flops).c_str(), flops_text(back.flops).c_str());
      out << line;
    }
    out << "  output floor: the attackers also attack the output " << g.nodes.back().name
        << (floor_is_cut ? " (the last cut)" : " (an extra node)") << "\n";
    out << defences_text(c);
    estimate = estimate_attacks(g, cuts, c, attacked_nodes);
    memory = data_and_model_memory(c, g, cuts);
    memory->attacker = estimate->peak_attacker_bytes, memory->attacker_partial = estimate->untimed > 0;
    const std::string dir = run_dir_of(c, options);
    recompute = recomputes_features(c, g, cuts, folder_images, estimate->measured, dir, free_disk_bytes(dir));
    disk = estimate_run_disk(c, g, cuts, folder_images, state_bytes_of(estimate->measured), recompute);
    if (recompute) memory->aux_features = 0;
    work_items = static_cast<int64_t>(plan_work(c, g, cuts).items.size());
  } else {
    out << "cuts: not listed (the model file is missing)\n";
    cut_count = c.victim.all_cuts ? 0 : static_cast<int64_t>(c.victim.cuts.size());
    attacked_nodes = cut_count * defence_count + 1;
    out << defences_text(c);
  }
  check_plan_size(c, static_cast<size_t>(cut_count));  // the sums below fit in 64 bits
  out << "attackers (" << c.attackers.size() << "):\n";
  int64_t steps = 0;
  for (const auto& a : c.attackers) {
    const bool learns = attack::attacker_traits(a.kind).learns;
    const std::optional<Iterations> iterations = reconstruction_iterations(a);
    out << "  " << a.kind << ":";
    if (learns && a.auto_steps)
      out << " steps auto (until the validation SSIM rises at most " << c.privacy.converged_delta
          << " over the last fifth, between " << a.min_steps << " and " << a.max_steps << " steps), batch " << a.batch_size
          << ", " << a.seeds << (a.seeds == 1 ? " seed" : " seeds") << ", validation SSIM every " << a.evaluation_interval()
          << " steps" << (iterations ? "," : "");
    else if (learns)
      out << " " << a.steps << " steps, batch " << a.batch_size << ", " << a.seeds << (a.seeds == 1 ? " seed" : " seeds")
          << ", validation SSIM every " << a.evaluation_interval() << " steps" << (iterations ? "," : "");
    if (iterations)
      out << " optimises each held-out batch of " << iterations->batch << " for " << iterations->count << " iterations";
    for (const auto& [k, v] : a.settings) out << ", " << k << "=" << v;
    out << "\n";
    steps += learns ? a.steps * a.seeds : 0;
  }
  const PrivacyConfig& p = c.privacy;
  out << "privacy: rule " << p.rule << ": a cut is safe when the upper " << p.confidence * 100 << "% bound of the worst "
      << (p.rule == "absolute" ? "mean SSIM is <= " + std::to_string(p.threshold).substr(0, 5)
                               : "paired SSIM excess over the output floor is <= " + std::to_string(p.margin).substr(0, 5))
      << (p.max_tail_fraction >= 0 ? ", the tail above SSIM " + std::to_string(p.tail_ssim).substr(0, 4) + " is <= " +
                                         std::to_string(p.max_tail_fraction).substr(0, 5)
                                   : std::string())
      << " and no attacker is under-trained (validation SSIM rising > " << p.converged_delta
      << " over the last fifth of its steps); both rules are reported\n";
  out << "runtime: tee " << c.runtime.tee_backend << " (SGX cost model " << c.runtime.sgx_preset << "), gpu " << c.runtime.gpu_backend
      << (c.runtime.gpu_backend == "opencl" ? " " + c.runtime.gpu_device
          : c.runtime.gpu_backend == "model" ? " " + c.runtime.gpu_model.name + " (roofline)" : std::string())
      << ", learned attackers on " << c.runtime.attack_device << "\n";
  const int64_t cut_nodes = cut_count * defence_count;
  out << "work: " << attacked_nodes << " attacked nodes (" << cut_count << " cuts"
      << (defence_count > 1 ? " x " + std::to_string(defence_count) + " defences" : std::string())
      << (attacked_nodes > cut_nodes ? " and the output" : ", the last of them the output") << ") x "
      << c.attackers.size() << " attackers, " << (any_auto(c) ? "at most " : "") << steps * attacked_nodes
      << " training steps in all";
  if (work_items >= 0) out << ", " << work_items << " work items (attacker restarts at attacked nodes)";
  out << "\n";
  if (estimate) {
    char line[256];
    std::snprintf(line, sizeof line, "estimated time: %s%.0f min for the attacks (steps timed at batches 1 and 2 at the "
                  "first cut, extrapolated)%s\n", estimate->untimed > 0 ? "at least " : "", estimate->seconds / 60,
                  c.victim.train.enabled ? (c.fine_tunes() ? ", plus victim training and fine-tuning" : ", plus victim training")
                  : c.fine_tunes() ? ", plus fine-tuning" : "");
    out << line;
    if (any_auto(c)) out << "  steps: auto counted at their max_steps: an upper bound\n";
    if (estimate->reused > 0 || estimate->untimed > 0)
      out << "  " << estimate->timed << " attacker configurations timed, " << estimate->reused
          << " entries repeating one of them, " << estimate->untimed << " not timed (the dry run times steps for "
          << kTimingBudgetSeconds << " s at most)\n";
  }
  if (memory) {
    const int64_t available = available_memory_bytes();
    out << "estimated memory: " << memory_text(*memory, available) << "\n";
    if (available >= 0 && memory->total() > available)
      out << "  more than is available: `splitleak run` refuses this run (exit 2)\n";
  }
  if (disk) {
    const std::string dir = run_dir_of(c, options);
    const int64_t free = free_disk_bytes(dir), written = bytes_under(dir);
    out << "estimated disk: " << (estimate && estimate->untimed > 0 ? "at least " : "") << disk_text(*disk)
        << (written > 0 ? ", " + bytes_text(written) + " written already" : "") << ", "
        << (free >= 0 ? bytes_text(free) + " free" : std::string("free space unknown")) << " on the file system of " << dir
        << "\n";
    if (free >= 0 && disk->total() - written > free) out << "  more than is free: `splitleak run` refuses this run (exit 2)\n";
    out << "auxiliary features: " << (recompute ? "recomputed by the front on every batch read" : "cached per node")
        << " (runtime.features: " << features_name(c.runtime.features) << ")\n";
  }
  return out.str();
}

}  // namespace splitleak::experiments
