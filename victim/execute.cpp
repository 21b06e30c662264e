#include "victim/execute.h"

#include <algorithm>
#include <chrono>

#include "core/autograd.h"
#include "core/batches.h"
#include "core/error.h"
#include "core/opencl/memory.h"
#include "core/ops.h"

namespace splitleak::victim {
namespace {

// (1, C, 1, ...) constants of a Normalize node on `device`: y = x * scale + shift.
Tensor channel_constant(const std::vector<float>& values, size_t rank, const Device& device) {
  Shape shape(rank, 1);
  shape[1] = static_cast<int64_t>(values.size());
  return Tensor::from_vector(shape, values).to(device);
}

Tensor optional_weight(const Graph& g, const Node& node, size_t slot) {
  return slot < node.weights.size() && !node.weights[slot].empty() ? g.weight(node.weights[slot]) : Tensor();
}

Tensor run_node(const Graph& g, const Node& node, const std::vector<Tensor>& in, const RunOptions& o) {
  const Attributes& a = node.attrs;
  switch (node.op) {
    case Op::Input:
      return in.at(0);
    case Op::Normalize: {
      std::vector<float> scale(a.mean.size()), shift(a.mean.size());
      for (size_t c = 0; c < a.mean.size(); ++c) scale[c] = 1.0f / a.std[c], shift[c] = -a.mean[c] / a.std[c];
      const size_t rank = in[0].shape().size();
      return ops::add(ops::mul(in[0], channel_constant(scale, rank, in[0].device())),
                      channel_constant(shift, rank, in[0].device()));
    }
    case Op::Conv:
      return ops::conv2d(in[0], g.weight(node.weights[0]), optional_weight(g, node, 1),
                         {a.stride, {a.pads[0], a.pads[1]}, a.dilation, a.groups});
    case Op::BatchNorm:
      return ops::batch_norm(in[0], g.weight(node.weights[0]), g.weight(node.weights[1]), g.weight(node.weights[2]),
                             g.weight(node.weights[3]), o.training, a.momentum, a.eps);
    case Op::Linear:
      return ops::linear(in[0], g.weight(node.weights[0]), optional_weight(g, node, 1));
    case Op::Relu:
      return ops::relu(in[0]);
    case Op::Clip:
      return ops::clamp(in[0], a.lo, a.hi);
    case Op::Sigmoid:
      return ops::sigmoid(in[0]);
    case Op::HardSigmoid:
      return ops::clamp(ops::affine_scalar(in[0], a.alpha, a.beta), 0.0f, 1.0f);
    case Op::HardSwish:
      return ops::hardswish(in[0]);
    case Op::Silu:
      return ops::silu(in[0]);
    case Op::MaxPool:
      return ops::max_pool2d(in[0], {a.kernel, a.stride, {a.pads[0], a.pads[1]}, a.ceil_mode, true});
    case Op::AvgPool:
      return ops::avg_pool2d(in[0], {a.kernel, a.stride, {a.pads[0], a.pads[1]}, a.ceil_mode, a.count_include_pad});
    case Op::AdaptiveAvgPool:
      return ops::adaptive_avg_pool2d(in[0], a.out_size[0], a.out_size[1]);
    case Op::GlobalAvgPool:
      return ops::global_avg_pool2d(in[0]);
    case Op::Add: case Op::Mul: {
      std::vector<Tensor> operands = in;
      for (const auto& w : node.weights) operands.push_back(g.weight(w));
      return node.op == Op::Add ? ops::add(operands[0], operands[1]) : ops::mul(operands[0], operands[1]);
    }
    case Op::Concat:
      return ops::concat(in, 1);
    case Op::Flatten:
      return ops::flatten(in[0], 1);
    case Op::Reshape: {
      Shape shape{in[0].size(0)};
      for (size_t i = 0; i < a.shape.size(); ++i) shape.push_back(a.shape[i] == 0 ? in[0].size(i + 1) : a.shape[i]);
      return ops::reshape(in[0], shape);
    }
    case Op::Dropout:
      if (!o.training || a.p == 0.0f) return in[0];
      check(o.generator != nullptr, "node '" + node.name + "': training with dropout needs a seeded generator");
      return ops::dropout(in[0], a.p, true, *o.generator);
    case Op::Pad:
      return ops::pad2d(in[0], a.pads, a.value);
  }
  throw Error("node '" + node.name + "': unknown op");
}

}  // namespace

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

Tensor run_in_batches(const Graph& graph, const Tensor& x, int64_t batch) {
  check(batch >= 1, "run_in_batches: the batch must be at least 1");
  autograd::NoGradGuard no_grad;
  const Device device = device_of(graph);
  return map_in_batches(x, batch, [&](const Tensor& part) { return run(graph, part.to(device)).to(Device{}); });
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

  // Inference runs Conv -> BatchNorm (-> Relu) and Add -> Relu chains whose intermediate values
  // nothing else reads as one fused kernel (bit-identical to the separate ops, core/ops/fused.h).
  bool recording = autograd::grad_enabled() && x.requires_grad();
  for (const auto& [name, t] : graph.tensors) recording = recording || (autograd::grad_enabled() && t.requires_grad());
  std::vector<int> consumers(count, 0);
  for (const Node& node : graph.nodes)
    for (int p : node.inputs) ++consumers[p];
  // The last node of the fused chain starting at conv node i (i itself when none applies).
  auto chain_end = [&](int i) {
    auto feeds_only = [&](int from, int to, Op op) {
      return to < count && graph.nodes[to].op == op && graph.nodes[to].inputs == std::vector<int>{from} &&
             consumers[from] == 1 && last_use[from] != count;
    };
    if (recording || options.training || x.on_device()) return i;
    const Node& node = graph.nodes[i];
    if (node.op == Op::Add && node.inputs.size() == 2 && feeds_only(i, i + 1, Op::Relu)) return i + 1;
    if (node.op != Op::Conv || !feeds_only(i, i + 1, Op::BatchNorm)) return i;
    return feeds_only(i + 1, i + 2, Op::Relu) ? i + 2 : i + 1;
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
    if (end > i && node.op == Op::Add) {
      values[end] = ops::add_relu_eval(in[0], in[1]);
    } else if (end > i) {
      const Node& bn = graph.nodes[i + 1];
      const Attributes& a = node.attrs;
      values[end] = ops::conv2d_bn_relu_eval(
          in[0], graph.weight(node.weights[0]), optional_weight(graph, node, 1),
          {a.stride, {a.pads[0], a.pads[1]}, a.dilation, a.groups},
          {graph.weight(bn.weights[0]), graph.weight(bn.weights[1]), graph.weight(bn.weights[2]),
           graph.weight(bn.weights[3]), bn.attrs.eps},
          end == i + 2);
    } else {
      values[i] = run_node(graph, node, in, options);
    }
    if (options.after_node) options.after_node(end);
    if (options.node_ms) {
      if (x.on_device()) opencl::synchronize(x.device());  // the node's kernels, not their enqueueing
      options.node_ms->resize(count, 0.0);
      (*options.node_ms)[i] += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    }
    for (int p : node.inputs)
      if (last_use[p] == i) values[p] = Tensor();
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
