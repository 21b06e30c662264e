#include "victim/accounting.h"

#include <set>

namespace splitleak::victim {
namespace {

int64_t node_flops(const Graph& g, const Node& node) {
  const int64_t out = shape_numel(node.shape);
  const Attributes& a = node.attrs;
  switch (node.op) {
    case Op::Input: case Op::Flatten: case Op::Reshape: case Op::Dropout: case Op::Concat: case Op::Pad:
      return 0;
    case Op::Conv: {
      const Tensor& w = g.weight(node.weights[0]);
      return 2 * out * w.size(1) * w.size(2) * w.size(3);
    }
    case Op::Linear:
      return 2 * out * g.weight(node.weights[0]).size(1);
    case Op::MaxPool: case Op::AvgPool:
      return out * a.kernel[0] * a.kernel[1];
    case Op::AdaptiveAvgPool: case Op::GlobalAvgPool:
      return shape_numel(g.nodes[node.inputs[0]].shape);
    case Op::BatchNorm: case Op::Normalize:
      return 2 * out;
    default:
      return out;
  }
}

}  // namespace

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
    c.flops = node_flops(graph, node);
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
