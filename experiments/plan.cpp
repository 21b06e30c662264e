// The --dry-run plan: what a run would do, from the configuration and the model alone.
#include <sstream>

#include "core/error.h"
#include "experiments/runner.h"
#include "experiments/victim_setup.h"
#include "victim/accounting.h"
#include "victim/load.h"

namespace splitleak::experiments {
namespace {

std::string flops_text(int64_t flops) {
  char buf[32];
  if (flops >= 1'000'000'000) std::snprintf(buf, sizeof buf, "%.2f GFLOP", static_cast<double>(flops) / 1e9);
  else std::snprintf(buf, sizeof buf, "%.2f MFLOP", static_cast<double>(flops) / 1e6);
  return buf;
}

}  // namespace

std::string plan_experiment(const ExperimentConfig& c) {
  std::ostringstream out;
  out << "experiment " << c.name << " (" << c.file << "), seed " << c.seed << ", output " << c.output << "\n";
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
  int64_t cut_count = 0;
  if (model_is_here) {
    Shape input;
    victim::Graph g = victim::load_model(c.victim.model);
    if (c.dataset.channels > 0 || c.dataset.size > 0) {
      const Shape& in = g.input().shape;
      input = {c.dataset.channels > 0 ? c.dataset.channels : in[1], c.dataset.size > 0 ? c.dataset.size : in[2],
               c.dataset.size > 0 ? c.dataset.size : in[3]};
      g = victim::load_model(c.victim.model, input);
    }
    const int n = static_cast<int>(g.nodes.size());
    out << "  input " << shape_str(g.input().shape) << ", " << g.parameter_count() << " parameters, "
        << flops_text(victim::total_cost(g, 0, n).flops) << " per image\n";
    const auto cuts = select_cuts(g, c.victim);
    cut_count = static_cast<int64_t>(cuts.size());
    out << "cuts (" << cuts.size() << "):\n";
    for (const auto& cut : cuts) {
      const auto front = victim::total_cost(g, 0, cut.index + 1), back = victim::total_cost(g, cut.index + 1, n);
      char line[256];
      std::snprintf(line, sizeof line, "  %-24s feature %-16s front %12s  back %12s\n", cut.name.c_str(),
                    shape_str(Shape(g.nodes[cut.index].shape.begin() + 1, g.nodes[cut.index].shape.end())).c_str(),
                    flops_text(front.flops).c_str(), flops_text(back.flops).c_str());
      out << line;
    }
  } else {
    out << "cuts: not listed (the model file is missing)\n";
    cut_count = c.victim.all_cuts ? 0 : static_cast<int64_t>(c.victim.cuts.size());
  }
  out << "attackers (" << c.attackers.size() << "):\n";
  int64_t steps = 0;
  for (const auto& a : c.attackers) {
    out << "  " << a.kind << ": " << a.steps << " steps, batch " << a.batch_size;
    for (const auto& [k, v] : a.settings) out << ", " << k << "=" << v;
    out << "\n";
    steps += a.kind == "rmle" ? 0 : a.steps;
  }
  out << "privacy: a cut is safe when the upper " << c.privacy.confidence * 100 << "% bound of the worst mean "
      << c.privacy.metric << " is <= " << c.privacy.threshold << "\n";
  out << "runtime: tee " << c.runtime.tee_backend << ", gpu " << c.runtime.gpu_backend << "\n";
  out << "work: " << cut_count << " cuts x " << c.attackers.size() << " attackers, " << steps * cut_count
      << " training steps in all\n";
  return out.str();
}

}  // namespace splitleak::experiments
