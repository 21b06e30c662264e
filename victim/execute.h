#pragma once
// Runs a victim graph on the core engine. Autograd records through it whenever grad is enabled
// and the input or a weight requires a gradient, so victims train and white-box attackers
// differentiate through a front partition.
#include <vector>

#include "core/random.h"
#include "core/tensor.h"
#include "victim/graph.h"

namespace splitleak::victim {

struct RunOptions {
  bool training = false;           // batch norm uses and updates batch statistics; dropout drops
  Generator* generator = nullptr;  // dropout's masks (required when training with dropout)
  std::vector<double>* node_ms = nullptr;  // when set: wall time of each node, added (+=) per node
};

// Throws Error naming the expected shape unless x is (N >= 1, the graph's input shape without
// its batch). Every executor of a graph (this one, gpu_runtime's) checks its input with it.
void check_input(const Graph& graph, const Tensor& x);

// x: (N, input shape without its batch). Returns the output node's value. Intermediate values
// are released after their last use. Throws Error naming the expected shape when x's is wrong.
Tensor run(const Graph& graph, const Tensor& x, const RunOptions& options = {});

// run without autograd on slices of `batch` images of x, stacked: for inputs too large for one pass.
Tensor run_in_batches(const Graph& graph, const Tensor& x, int64_t batch);

// Like run, and also returns the values of the nodes at `keep` (indices), in that order.
std::vector<Tensor> run_keeping(const Graph& graph, const Tensor& x, const std::vector<int>& keep,
                                const RunOptions& options = {});

}  // namespace splitleak::victim
