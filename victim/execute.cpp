#include "victim/execute.h"

#include <algorithm>
#include <chrono>

#include "core/autograd.h"
#include "core/batches.h"
#include "core/error.h"
#include "core/opencl/memory.h"
#include "core/ops.h"

namespace splitleak::victim {
void check_input(const Graph& graph, const Tensor& x) {
  const Shape& expected = graph.input().shape;
  bool ok = x.defined() && x.dim() == static_cast<int64_t>(expected.size()) && x.size(0) > 0;
  for (size_t d = 1; ok && d < expected.size(); ++d) ok = x.shape()[d] == expected[d];
  if (!ok) {
    Shape want = expected;
    want[0] = -1;
    throw Error("input has shape " + (x.defined() ? shape_str(x.shape()) : std::string("(none)")) +
                ", the model expects " + shape_str(want) + " (N = any batch)");
  }
}

Tensor run_in_batches(const Graph& graph, const Tensor& x, int64_t batch, const RowProgress& progress,
                      Generator* generator) {
  check(batch >= 1, "run_in_batches: the batch must be at least 1");
  autograd::NoGradGuard no_grad;
  const Device device = device_of(graph);
  RunOptions options;
  options.generator = generator;
  return map_in_batches(
      x, batch, [&](const Tensor& part) { return run(graph, part.to(device), options).to(Device{}); }, progress);
}

Tensor run_rows(const Graph& graph, const Tensor& x, const std::vector<int64_t>& row_ids, uint64_t seed) {
  check(x.dim() >= 1 && static_cast<int64_t>(row_ids.size()) == x.size(0),
        "run_rows: " + std::to_string(row_ids.size()) + " row ids for " + shape_str(x.shape()));
  autograd::NoGradGuard no_grad;
  const Device device = device_of(graph);
  Tensor out;
  for (int64_t i = 0; i < x.size(0); ++i) {
    Generator draws(derive_seed(seed, static_cast<uint64_t>(row_ids[static_cast<size_t>(i)])));
    RunOptions options;
    options.generator = &draws;
    const Tensor row = run(graph, x.slice(i, i + 1).to(device), options).to(Device{});
    if (!out.defined()) {
      Shape shape = row.shape();
      shape[0] = x.size(0);
      out = Tensor::empty(shape);
    }
    out.slice(i, i + 1).copy_from(row);
  }
  return out;
}

Graph on_device(const Graph& graph, const Device& device) {
  Graph copy = graph;
  for (auto& [name, t] : copy.tensors) {
    Tensor moved = t.detach().to(device);
    if (t.requires_grad()) moved.set_requires_grad(true);
    t = moved;
  }
  return copy;
}

Device device_of(const Graph& graph) { return graph.tensors.empty() ? Device{} : graph.tensors.begin()->second.device(); }

std::vector<Tensor> run_keeping(const Graph& graph, const Tensor& x, const std::vector<int>& keep,
                                const RunOptions& options) {
  check_input(graph, x);
  const int count = static_cast<int>(graph.nodes.size());
  // last_use[i]: the last node reading value i (count for the output and kept values).
  std::vector<int> last_use(count, 0);
  for (int i = 0; i < count; ++i)
    for (int p : graph.nodes[i].inputs) last_use[p] = std::max(last_use[p], i);
  last_use[count - 1] = count;
  for (int k : keep) last_use.at(k) = count;

  // Inference runs Conv -> BatchNorm (-> Relu), Conv -> BatchNorm -> Add -> Relu (a residual
  // block's end) and Add -> Relu chains whose intermediate values nothing else reads as one fused
  // kernel (bit-identical to the separate ops, core/ops/fused.h).
  bool recording = autograd::grad_enabled() && x.requires_grad();
  for (const auto& [name, t] : graph.tensors) recording = recording || (autograd::grad_enabled() && t.requires_grad());
  std::vector<int> consumers(count, 0);
  for (const Node& node : graph.nodes)
    for (int p : node.inputs) ++consumers[p];
  // The other input of node `add` when it is an Add of two values, one of them `from`, which only
  // it reads; -1 otherwise.
  auto residual_of = [&](int add, int from) {
    if (add >= count || !is<op::Add>(graph.nodes[add].op) || consumers[from] != 1 || last_use[from] == count) return -1;
    const std::vector<int>& in = graph.nodes[add].inputs;
    if (in.size() != 2 || (in[0] == from) == (in[1] == from)) return -1;
    return in[0] == from ? in[1] : in[0];
  };
  // The last node of the fused chain starting at conv node i (i itself when none applies).
  auto chain_end = [&](int i) {
    auto feeds_only = [&]<class T>(int from, int to, T) {
      return to < count && is<T>(graph.nodes[to].op) && graph.nodes[to].inputs == std::vector<int>{from} &&
             consumers[from] == 1 && last_use[from] != count;
    };
    if (recording || options.training || x.on_device()) return i;
    const Node& node = graph.nodes[i];
    if (is<op::Add>(node.op) && node.inputs.size() == 2 && feeds_only(i, i + 1, op::Relu{})) return i + 1;
    if (!is<op::Conv>(node.op) || !feeds_only(i, i + 1, op::BatchNorm{})) return i;
    if (residual_of(i + 2, i + 1) >= 0 && feeds_only(i + 2, i + 3, op::Relu{})) return i + 3;
    return feeds_only(i + 1, i + 2, op::Relu{}) ? i + 2 : i + 1;
  };

  std::vector<Tensor> values(count);
  values[0] = x;
  for (int i = 1; i < count; ++i) {
    const Node& node = graph.nodes[i];
    std::vector<Tensor> in;
    in.reserve(node.inputs.size());
    for (int p : node.inputs) in.push_back(values[p]);
    const auto t0 = std::chrono::steady_clock::now();
    const int end = chain_end(i);
    if (end > i && is<op::Add>(node.op)) {
      values[end] = ops::add_relu_eval(in[0], in[1]);
    } else if (end > i) {
      const RunContext conv(graph, node, in), bn(graph, graph.nodes[i + 1], in);
      const Tensor residual = end == i + 3 ? values[residual_of(i + 2, i + 1)] : Tensor();
      values[end] = ops::conv2d_bn_relu_eval(
          in[0], conv.weight(0), conv.optional_weight(1), std::get<op::Conv>(node.op).options(),
          {bn.weight(0), bn.weight(1), bn.weight(2), bn.weight(3), std::get<op::BatchNorm>(bn.node.op).eps},
          end >= i + 2, residual);
    } else {
      values[i] = run_op(node.op, RunContext(graph, node, in, options.training, options.generator));
    }
    if (options.after_node) options.after_node(end);
    if (options.node_ms) {
      if (x.on_device()) opencl::synchronize(x.device());  // the node's kernels, not their enqueueing
      options.node_ms->resize(count, 0.0);
      (*options.node_ms)[i] += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    }
    for (int j = i; j <= end; ++j)  // values whose last reader was in the chain
      for (int p : graph.nodes[j].inputs)
        if (last_use[p] == j) values[p] = Tensor();
    i = end;
  }
  std::vector<Tensor> out{values[count - 1]};
  for (int k : keep) out.push_back(values[k]);
  return out;
}

Tensor run(const Graph& graph, const Tensor& x, const RunOptions& options) {
  return run_keeping(graph, x, {}, options).front();
}

}  // namespace splitleak::victim
