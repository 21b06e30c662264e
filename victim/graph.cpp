#include "victim/graph.h"

#include <sstream>

#include "core/error.h"
#include "core/ops/conv.h"
#include "core/ops/elementwise.h"
#include "core/ops/pool.h"

namespace splitleak::victim {
namespace {

struct OpInfo {
  Op op;
  const char* name;
};
constexpr OpInfo kOps[] = {
    {Op::Input, "Input"},       {Op::Normalize, "Normalize"},
    {Op::Conv, "Conv"},         {Op::BatchNorm, "BatchNorm"},
    {Op::Linear, "Linear"},     {Op::Relu, "Relu"},
    {Op::Clip, "Clip"},         {Op::Sigmoid, "Sigmoid"},
    {Op::HardSigmoid, "HardSigmoid"}, {Op::HardSwish, "HardSwish"},
    {Op::Silu, "Silu"},         {Op::MaxPool, "MaxPool"},
    {Op::AvgPool, "AvgPool"},   {Op::AdaptiveAvgPool, "AdaptiveAvgPool"},
    {Op::GlobalAvgPool, "GlobalAvgPool"}, {Op::Add, "Add"},
    {Op::Mul, "Mul"},           {Op::Concat, "Concat"},
    {Op::Flatten, "Flatten"},   {Op::Reshape, "Reshape"},
    {Op::Dropout, "Dropout"},   {Op::Pad, "Pad"},
};

std::string where(const Node& node) { return "node '" + node.name + "' (" + op_name(node.op) + ")"; }

// The weight `slot` of `node` must exist with `numel` elements (or any when numel < 0).
const Tensor& need_weight(const Graph& g, const Node& node, size_t slot, int64_t numel, const char* what) {
  check(slot < node.weights.size() && !node.weights[slot].empty(), where(node) + ": missing " + what);
  const Tensor& t = g.weight(node.weights[slot]);
  check(numel < 0 || t.numel() == numel, where(node) + ": " + what + " '" + node.weights[slot] + "' has shape " +
                                             shape_str(t.shape()) + ", expected " + std::to_string(numel) +
                                             " elements");
  return t;
}

bool has_weight(const Node& node, size_t slot) { return slot < node.weights.size() && !node.weights[slot].empty(); }

Shape infer_one(const Graph& g, const Node& node) {
  std::vector<Shape> in;
  for (int i : node.inputs) in.push_back(g.nodes[i].shape);
  auto need_inputs = [&](size_t n) {
    check(in.size() == n, where(node) + ": takes " + std::to_string(n) + " input(s), has " + std::to_string(in.size()));
  };
  auto need_rank = [&](size_t rank) {
    check(in[0].size() == rank, where(node) + ": expects a " + std::to_string(rank) + "-D input, got " +
                                    shape_str(in[0]));
  };
  const Attributes& a = node.attrs;
  switch (node.op) {
    case Op::Input:
      check(node.shape.size() >= 2 && node.shape[0] == 1, where(node) + ": input shape must be (1, C, ...)");
      return node.shape;
    case Op::Normalize:
      need_inputs(1);
      check(in[0].size() >= 2 && a.mean.size() == static_cast<size_t>(in[0][1]) && a.std.size() == a.mean.size(),
            where(node) + ": needs one mean and one std per channel");
      return in[0];
    case Op::Conv: {
      need_inputs(1), need_rank(4);
      check(a.pads[0] == a.pads[2] && a.pads[1] == a.pads[3], where(node) + ": padding must be symmetric");
      const Tensor& w = need_weight(g, node, 0, -1, "weight");
      check(w.dim() == 4 && a.groups > 0 && in[0][1] % a.groups == 0 && w.size(0) % a.groups == 0 &&
                w.size(1) * a.groups == in[0][1],
            where(node) + ": weight " + shape_str(w.shape()) + " does not fit input " + shape_str(in[0]) +
                " with groups " + std::to_string(a.groups));
      if (has_weight(node, 1)) need_weight(g, node, 1, w.size(0), "bias");
      const int64_t oh = ops::conv_out_size(in[0][2], w.size(2), a.stride[0], a.pads[0], a.dilation[0]);
      const int64_t ow = ops::conv_out_size(in[0][3], w.size(3), a.stride[1], a.pads[1], a.dilation[1]);
      check(oh > 0 && ow > 0, where(node) + ": input " + shape_str(in[0]) + " is smaller than the kernel");
      return {in[0][0], w.size(0), oh, ow};
    }
    case Op::BatchNorm: {
      need_inputs(1);
      check(in[0].size() >= 2, where(node) + ": expects (N, C, ...)");
      const char* what[] = {"weight", "bias", "running_mean", "running_var"};
      for (size_t s = 0; s < 4; ++s) need_weight(g, node, s, in[0][1], what[s]);
      return in[0];
    }
    case Op::Linear: {
      need_inputs(1), need_rank(2);
      const Tensor& w = need_weight(g, node, 0, -1, "weight");
      check(w.dim() == 2 && w.size(1) == in[0][1], where(node) + ": weight " + shape_str(w.shape()) +
                                                       " does not fit input " + shape_str(in[0]));
      if (has_weight(node, 1)) need_weight(g, node, 1, w.size(0), "bias");
      return {in[0][0], w.size(0)};
    }
    case Op::Relu: case Op::Clip: case Op::Sigmoid: case Op::HardSigmoid: case Op::HardSwish: case Op::Silu:
    case Op::Dropout:
      need_inputs(1);
      return in[0];
    case Op::MaxPool: case Op::AvgPool: {
      need_inputs(1), need_rank(4);
      check(a.pads[0] == a.pads[2] && a.pads[1] == a.pads[3], where(node) + ": padding must be symmetric");
      check(a.pads[0] * 2 <= a.kernel[0] && a.pads[1] * 2 <= a.kernel[1],
            where(node) + ": padding must be at most half the kernel");
      const int64_t oh = ops::pool_out_size(in[0][2], a.kernel[0], a.stride[0], a.pads[0], a.ceil_mode);
      const int64_t ow = ops::pool_out_size(in[0][3], a.kernel[1], a.stride[1], a.pads[1], a.ceil_mode);
      check(oh > 0 && ow > 0, where(node) + ": input " + shape_str(in[0]) + " is smaller than the window");
      return {in[0][0], in[0][1], oh, ow};
    }
    case Op::AdaptiveAvgPool:
      need_inputs(1), need_rank(4);
      check(a.out_size[0] > 0 && a.out_size[1] > 0, where(node) + ": output size must be positive");
      return {in[0][0], in[0][1], a.out_size[0], a.out_size[1]};
    case Op::GlobalAvgPool:
      need_inputs(1), need_rank(4);
      return {in[0][0], in[0][1], 1, 1};
    case Op::Add: case Op::Mul: {
      std::vector<Shape> operands = in;
      for (const auto& w : node.weights) operands.push_back(g.weight(w).shape());
      check(operands.size() == 2, where(node) + ": takes exactly two operands");
      check(!in.empty(), where(node) + ": needs at least one producer");
      Shape out = ops::broadcast_shape(operands[0], operands[1]);
      check(out.size() == in[0].size() && out[0] == in[0][0],
            where(node) + ": a constant operand must not add dimensions or change the batch");
      return out;
    }
    case Op::Concat: {
      check(!in.empty(), where(node) + ": needs inputs");
      Shape out = in[0];
      for (size_t i = 1; i < in.size(); ++i) {
        check(in[i].size() == out.size(), where(node) + ": inputs differ in rank");
        for (size_t d = 0; d < out.size(); ++d)
          check(d == 1 || in[i][d] == out[d], where(node) + ": input " + shape_str(in[i]) + " does not match " +
                                                  shape_str(in[0]) + " outside the channel dimension");
        out[1] += in[i][1];
      }
      return out;
    }
    case Op::Flatten:
      need_inputs(1);
      return {in[0][0], shape_numel(in[0]) / in[0][0]};
    case Op::Reshape: {
      need_inputs(1);
      Shape out{in[0][0]};
      int64_t known = 1, infer_at = -1;
      for (size_t i = 0; i < a.shape.size(); ++i) {
        int64_t d = a.shape[i];
        if (d == 0) {
          check(i + 1 < in[0].size(), where(node) + ": 0 copies a dimension the input does not have");
          d = in[0][i + 1];
        }
        if (d == -1) {
          check(infer_at < 0, where(node) + ": at most one -1");
          infer_at = static_cast<int64_t>(out.size());
        } else {
          check(d > 0, where(node) + ": bad target dimension " + std::to_string(d));
          known *= d;
        }
        out.push_back(d);
      }
      const int64_t per_item = shape_numel(in[0]) / in[0][0];
      if (infer_at >= 0) {
        check(per_item % known == 0, where(node) + ": cannot reshape " + shape_str(in[0]));
        out[infer_at] = per_item / known;
      }
      check(shape_numel(out) == shape_numel(in[0]),
            where(node) + ": cannot reshape " + shape_str(in[0]) + " to " + shape_str(out));
      return out;
    }
    case Op::Pad:
      need_inputs(1), need_rank(4);
      for (int64_t p : a.pads) check(p >= 0, where(node) + ": negative padding");
      return {in[0][0], in[0][1], in[0][2] + a.pads[0] + a.pads[2], in[0][3] + a.pads[1] + a.pads[3]};
  }
  throw Error(where(node) + ": unknown op");
}

}  // namespace

const char* op_name(Op op) {
  for (const auto& info : kOps)
    if (info.op == op) return info.name;
  return "?";
}

Op op_from_name(const std::string& name) {
  for (const auto& info : kOps)
    if (name == info.name) return info.op;
  throw Error("unknown op '" + name + "'");
}

int Graph::index_of(const std::string& name) const {
  for (size_t i = 0; i < nodes.size(); ++i)
    if (nodes[i].name == name) return static_cast<int>(i);
  throw Error("the model has no node '" + name + "'");
}

const Tensor& Graph::weight(const std::string& name) const {
  auto it = tensors.find(name);
  check(it != tensors.end(), "the model has no weight '" + name + "'");
  return it->second;
}

std::vector<std::pair<std::string, Tensor>> Graph::parameters() const {
  std::vector<std::pair<std::string, Tensor>> out;
  std::set<std::string> seen;
  for (const Node& node : nodes)
    for (const auto& w : node.weights)
      if (!w.empty() && !buffers.count(w) && seen.insert(w).second) out.emplace_back(w, weight(w));
  return out;
}

std::vector<std::pair<std::string, Tensor>> Graph::buffer_tensors() const {
  std::vector<std::pair<std::string, Tensor>> out;
  std::set<std::string> seen;
  for (const Node& node : nodes)
    for (const auto& w : node.weights)
      if (!w.empty() && buffers.count(w) && seen.insert(w).second) out.emplace_back(w, weight(w));
  return out;
}

int64_t Graph::parameter_count() const {
  int64_t n = 0;
  for (const auto& [name, t] : parameters()) n += t.numel();
  return n;
}

Shape infer_node_shape(const Graph& graph, const Node& node) { return infer_one(graph, node); }

void infer_shapes(Graph& graph) {
  check(!graph.nodes.empty() && graph.nodes[0].op == Op::Input, "a model graph starts with its Input node");
  std::set<std::string> names;
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    Node& node = graph.nodes[i];
    check(!node.name.empty(), "node " + std::to_string(i) + " has no name");
    check(names.insert(node.name).second, "two nodes are called '" + node.name + "'");
    check(i == 0 || node.op != Op::Input, where(node) + ": only node 0 may be the input");
    for (int p : node.inputs)
      check(p >= 0 && static_cast<size_t>(p) < i, where(node) + ": a producer is not an earlier node");
    for (const auto& w : node.weights)
      check(w.empty() || graph.tensors.count(w), where(node) + ": weight '" + w + "' is missing from the model");
    node.shape = infer_one(graph, node);
  }
}

void set_input_shape(Graph& graph, const Shape& chw) {
  Shape shape{1};
  shape.insert(shape.end(), chw.begin(), chw.end());
  graph.nodes.at(0).shape = shape;
  infer_shapes(graph);
}

Shape parse_chw(const std::string& text) {
  Shape out;
  std::stringstream ss(text);
  std::string part;
  while (std::getline(ss, part, 'x')) {
    size_t used = 0;
    int64_t v = 0;
    try {
      v = std::stoll(part, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    check(used == part.size() && !part.empty() && v > 0, "input shape '" + text + "' is not CxHxW (e.g. 3x224x224)");
    out.push_back(v);
  }
  check(out.size() == 3, "input shape '" + text + "' is not CxHxW (e.g. 3x224x224)");
  return out;
}

}  // namespace splitleak::victim
