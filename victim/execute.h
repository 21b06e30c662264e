#pragma once
// Runs a victim graph on the core engine. Autograd records through it whenever grad is enabled
// and the input or a weight requires a gradient, so victims train and white-box attackers
// differentiate through a front partition.
#include <functional>
#include <vector>

#include "core/batches.h"
#include "core/random.h"
#include "core/tensor.h"
#include "victim/graph.h"

namespace splitleak::victim {

struct RunOptions {
  bool training = false;           // batch norm uses and updates batch statistics; dropout drops
  Generator* generator = nullptr;  // dropout's masks (required when training with dropout)
  std::vector<double>* node_ms = nullptr;  // when set: wall time of each node, added (+=) per node
  // When set: called with a node's index once its computation is issued (on a device: enqueued).
  std::function<void(int node)> after_node;
};

// A copy of `graph` whose weights are on `device` (uploaded once; the original keeps its own).
// run() on such a graph takes its input on that device and returns its output there, computing
// every node with the engine's kernels for the device (no fused inference chains off the CPU).
Graph on_device(const Graph& graph, const Device& device);
// The device of a graph's weights (the CPU for a graph without weights).
Device device_of(const Graph& graph);

// Throws Error naming the expected shape unless x is (N >= 1, the graph's input shape without
// its batch). Every executor of a graph (this one, gpu_runtime's) checks its input with it.
void check_input(const Graph& graph, const Tensor& x);

// x: (N, input shape without its batch). Returns the output node's value. Intermediate values
// are released after their last use. Throws Error naming the expected shape when x's is wrong.
Tensor run(const Graph& graph, const Tensor& x, const RunOptions& options = {});

// run without autograd on slices of `batch` images of x (on the host), stacked on the host: for
// inputs too large for one pass. A graph on a device (on_device) gets each slice uploaded.
// `progress` is called after each slice (core/batches.h).
// `generator` draws a random defence's randomness (victim/defence.h), slice after slice.
Tensor run_in_batches(const Graph& graph, const Tensor& x, int64_t batch, const RowProgress& progress = {},
                      Generator* generator = nullptr);

// The output of each row of x computed alone, at batch 1, without autograd: row i's value depends
// on that row alone (and, for a random defence, on derive_seed(seed, row_ids[i]), its draws), not
// on the rows beside it, so values computed a few rows at a time anywhere (the feature cache, a
// training batch that recomputes its features) agree bit for bit for the same thread count. On a
// device each row is uploaded and its value downloaded. x on the host; the result on the host.
Tensor run_rows(const Graph& graph, const Tensor& x, const std::vector<int64_t>& row_ids, uint64_t seed);

// Like run, and also returns the values of the nodes at `keep` (indices), in that order.
std::vector<Tensor> run_keeping(const Graph& graph, const Tensor& x, const std::vector<int>& keep,
                                const RunOptions& options = {});

}  // namespace splitleak::victim
