#pragma once
// What each node costs, at batch 1: trainable parameters, weight bytes (parameters and buffers),
// FLOPs (a multiply-add counts 2; pointwise ops 1 per output element; pooling 1 per window
// element) and the bytes of its output activation.
#include <cstdint>
#include <vector>

#include "victim/graph.h"

namespace splitleak::victim {

struct NodeCost {
  int64_t parameters = 0;
  int64_t weight_bytes = 0;
  int64_t flops = 0;
  int64_t activation_bytes = 0;
};

// One entry per node (shapes must be inferred).
std::vector<NodeCost> node_costs(const Graph& graph);

// Sums over nodes [begin, end) of the per-node costs; weights shared by several nodes count once.
NodeCost total_cost(const Graph& graph, int begin, int end);

}  // namespace splitleak::victim
