#include "victim/accounting.h"

#include <set>

namespace splitleak::victim {
std::vector<NodeCost> node_costs(const Graph& graph) {
  std::vector<NodeCost> costs;
  for (const Node& node : graph.nodes) {
    NodeCost c;
    for (const auto& w : node.weights) {
      if (w.empty()) continue;
      const int64_t n = graph.weight(w).numel();
      c.weight_bytes += n * 4;
      if (!graph.buffers.count(w)) c.parameters += n;
    }
    c.flops = op_flops(node.op, ShapeContext::of(graph, node));
    c.activation_bytes = shape_numel(node.shape) * 4;
    costs.push_back(c);
  }
  return costs;
}

NodeCost total_cost(const Graph& graph, int begin, int end) {
  NodeCost total;
  std::set<std::string> seen;
  const auto costs = node_costs(graph);
  for (int i = begin; i < end; ++i) {
    total.flops += costs[i].flops;
    total.activation_bytes += costs[i].activation_bytes;
    for (const auto& w : graph.nodes[i].weights) {
      if (w.empty() || !seen.insert(w).second) continue;
      const int64_t n = graph.weight(w).numel();
      total.weight_bytes += n * 4;
      if (!graph.buffers.count(w)) total.parameters += n;
    }
  }
  return total;
}

}  // namespace splitleak::victim
