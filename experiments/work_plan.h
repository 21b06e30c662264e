#pragma once
// The run as a plan of work (docs/design.md, data flow steps 5 and 6): the attacked nodes (every
// cut, then the output floor unless the last cut is the output) and the work items, one per
// (node, attacker, restart); a node is a cut under a defence (none first). Seeds and file names
// derive from positions in the plan alone, so a single process and N ranks run the same items with
// the same seeds, and a resumed run skips the items whose results exist.
#include <cstdint>
#include <string>
#include <vector>

#include "experiments/experiment.h"
#include "experiments/victim_setup.h"
#include "victim/graph.h"

namespace splitleak::experiments {

struct AttackedNode {
  std::string name;       // the cut, or the output node for the floor
  int index = 0;          // its node index in the victim
  std::string file_stem;  // file-name form, unique in the run ("floor.fc3" for an extra floor node)
  uint64_t seed = 0;      // the node's seed; items derive theirs from it
  bool is_cut = true;     // false: the output floor attacked as an extra node
  size_t defence = 0;     // index into ExperimentConfig::defences (0: none); the floor's is 0
};

struct WorkItem {
  size_t node = 0;       // index into RunPlan::nodes
  size_t attacker = 0;   // index into ExperimentConfig::attackers
  int64_t restart = 0;   // 0 .. seeds - 1
  uint64_t fit_seed = 0;
  std::string stem;      // its files' stem (experiments/pair_store.h)
  std::string label;     // "[cut] attacker seed j/n", for the log
};

struct RunPlan {
  // Every cut undefended, then the floor (unless the last cut is the output), then every cut
  // under each defence: defence by defence, cut by cut. Undefended nodes keep the seeds and file
  // names a run without defences gives them.
  std::vector<AttackedNode> nodes;
  std::vector<WorkItem> items;  // node by node, then attacker by attacker, then restart
  bool floor_is_cut = false;    // the last cut is the output: its attackers are the floor's
  size_t cut_count = 0;         // cuts per defence
  size_t defended_base = 0;     // the index of the first defended node

  // The node of cut `cut` (its index in the run's cut list) under defence `defence`.
  size_t node_of(size_t cut, size_t defence) const;
  // The node whose attackers are the output floor's: the last cut's when it is the output, else
  // the extra output node (after the undefended cuts, before the defended ones).
  size_t floor_node() const { return cut_count - (floor_is_cut ? 1 : 0); }
  // The items of node `node`, in plan order.
  std::vector<WorkItem> items_of(size_t node) const;
  // The items of `attacker` at `node`, restart by restart.
  std::vector<WorkItem> restarts_of(size_t node, size_t attacker) const;
};

// The most work items one run holds.
inline constexpr int64_t kMaxWorkItems = 1'000'000;

// Error (bad input) naming the counts when a plan of `cuts` cuts would hold more than kMaxWorkItems
// items; then the plan's sums of steps over its items fit in 64 bits.
void check_plan_size(const ExperimentConfig& config, size_t cuts);
// The plan (check_plan_size first).
RunPlan plan_work(const ExperimentConfig& config, const victim::Graph& victim, const std::vector<CutChoice>& cuts);

// "cut" for an undefended cut, "cut | defence" (its label) for a defended one: in logs and labels.
std::string pair_label(const ExperimentConfig& config, const std::string& cut, size_t defence);
// "[cut]" or "[cut | defence]", for progress lines.
std::string node_tag(const ExperimentConfig& config, const AttackedNode& node);

// File-name form of a node name (ONNX names hold '/' and ':').
std::string file_stem(const std::string& name);

}  // namespace splitleak::experiments
