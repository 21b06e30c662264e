#include "experiments/work_plan.h"

#include <cctype>

#include "core/error.h"

namespace splitleak::experiments {

std::string file_stem(const std::string& name) {
  std::string out;
  for (char c : name) out += std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' ? c : '_';
  return out;
}

// Every factor is bounded where it is parsed (cuts by the model's nodes, attackers and defences by
// the YAML's node cap, seeds by kMaxSeeds), so no product here overflows.
void check_plan_size(const ExperimentConfig& c, size_t cuts) {
  const int64_t nodes = static_cast<int64_t>(cuts) * static_cast<int64_t>(c.defences.size()) + 1;
  int64_t restarts = 0;
  for (const AttackerConfig& a : c.attackers) restarts += a.seeds;
  const int64_t items = nodes * restarts;
  check(items <= kMaxWorkItems, c.file + ": " + std::to_string(cuts) + " cuts x " + std::to_string(c.defences.size()) +
                                    " defences x " + std::to_string(restarts) + " attacker restarts make about " +
                                    std::to_string(items) + " work items; a run holds at most " +
                                    std::to_string(kMaxWorkItems));
}

RunPlan plan_work(const ExperimentConfig& c, const victim::Graph& g, const std::vector<CutChoice>& cuts) {
  check_plan_size(c, cuts.size());
  RunPlan plan;
  auto node_seed = [&](size_t k) { return c.seed * 1000003ull + k * 1009ull; };
  for (size_t k = 0; k < cuts.size(); ++k) plan.nodes.push_back({cuts[k].name, cuts[k].index, file_stem(cuts[k].name), node_seed(k), true});
  const int output = static_cast<int>(g.nodes.size()) - 1;
  plan.floor_is_cut = !cuts.empty() && cuts.back().index == output;
  if (!plan.floor_is_cut) {
    const std::string& name = g.nodes[static_cast<size_t>(output)].name;
    plan.nodes.push_back({name, output, "floor." + file_stem(name), node_seed(cuts.size()), false});
  }
  plan.cut_count = cuts.size();
  plan.defended_base = plan.nodes.size();
  for (size_t d = 1; d < c.defences.size(); ++d)
    for (size_t k = 0; k < cuts.size(); ++k) {
      const std::string stem = file_stem(cuts[k].name) + "~" + file_stem(c.defences[d].spec.label());
      plan.nodes.push_back({cuts[k].name, cuts[k].index, stem, node_seed(plan.nodes.size() + 1), true, d});
    }
  for (size_t k = 0; k < plan.nodes.size(); ++k) {
    const AttackedNode& node = plan.nodes[k];
    for (size_t i = 0; i < c.attackers.size(); ++i) {
      const AttackerConfig& a = c.attackers[i];
      for (int64_t j = 0; j < a.seeds; ++j) {
        WorkItem item;
        item.node = k, item.attacker = i, item.restart = j;
        item.fit_seed = node.seed + i + 104729ull * static_cast<uint64_t>(j);
        item.stem = node.file_stem + "." + std::to_string(i) + "." + a.kind + (j > 0 ? ".s" + std::to_string(j) : "");
        item.label = node_tag(c, node) + " " + a.kind +
                     (a.seeds > 1 ? " seed " + std::to_string(j + 1) + "/" + std::to_string(a.seeds) : "");
        plan.items.push_back(std::move(item));
      }
    }
  }
  return plan;
}

std::string pair_label(const ExperimentConfig& c, const std::string& cut, size_t defence) {
  return defence == 0 ? cut : cut + " | " + c.defences.at(defence).spec.label();
}

std::string node_tag(const ExperimentConfig& c, const AttackedNode& node) {
  std::string tag = "[";  // appended: GCC 12 warns (-Wrestrict, falsely) on a literal + a temporary
  return tag.append(pair_label(c, node.name, node.defence)).append("]");
}

size_t RunPlan::node_of(size_t cut, size_t defence) const {
  return defence == 0 ? cut : defended_base + (defence - 1) * cut_count + cut;
}

std::vector<WorkItem> RunPlan::items_of(size_t node) const {
  std::vector<WorkItem> out;
  for (const WorkItem& item : items)
    if (item.node == node) out.push_back(item);
  return out;
}

std::vector<WorkItem> RunPlan::restarts_of(size_t node, size_t attacker) const {
  std::vector<WorkItem> out;
  for (const WorkItem& item : items)
    if (item.node == node && item.attacker == attacker) out.push_back(item);
  return out;
}

}  // namespace splitleak::experiments
