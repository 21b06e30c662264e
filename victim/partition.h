#pragma once
// Cutting a victim into the front partition (runs in the TEE) and the back partition (runs on
// the GPU). A node is a valid cut when its output is the only value that later nodes read from
// it or from anything before it: one tensor carries the whole state, no skip connection crosses.
#include <string>
#include <vector>

#include "victim/graph.h"

namespace splitleak::victim {

bool is_valid_cut(const Graph& graph, int index);

// Indices of the candidate nodes (Node::candidate) that are valid cuts, in order.
std::vector<int> valid_cuts(const Graph& graph);

struct Partition {
  Graph front;  // nodes 0..cut; its output is the cut's feature map
  Graph back;   // an Input node named after the cut (the feature map's shape), then the rest
};

// back.run(front.run(x)) equals graph.run(x) bit for bit: both run the same nodes on the same
// weights (shared, not copied). Throws Error naming the cut when it is absent or crossed by a
// skip connection.
Partition partition(const Graph& graph, const std::string& cut);

}  // namespace splitleak::victim
