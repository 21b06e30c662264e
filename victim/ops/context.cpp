#include "victim/ops/context.h"

#include <cmath>

#include "core/error.h"
#include "victim/graph.h"

namespace splitleak::victim {

std::string where(const Node& node) { return "node '" + node.name + "' (" + op_name(node.op) + ")"; }

ShapeContext::ShapeContext(const Graph& graph, const Node& node, std::vector<Shape> input_shapes)
    : graph_(graph), node_(node), inputs_(std::move(input_shapes)) {}

ShapeContext ShapeContext::of(const Graph& graph, const Node& node) {
  std::vector<Shape> shapes;
  for (int p : node.inputs) shapes.push_back(graph.nodes.at(p).shape);
  return ShapeContext(graph, node, std::move(shapes));
}

const Shape& ShapeContext::output() const { return node_.shape; }

void ShapeContext::check(bool ok, const std::string& message) const {
  if (!ok) throw Error(where(node_) + ": " + message);
}

void ShapeContext::need_inputs(size_t count) const {
  check(inputs_.size() == count,
        "takes " + std::to_string(count) + " input(s), has " + std::to_string(inputs_.size()));
}

void ShapeContext::need_rank(size_t rank) const {
  check(input().size() == rank, "expects a " + std::to_string(rank) + "-D input, got " + shape_str(input()));
}

void ShapeContext::need_finite(const char* name, float value) const {
  check(std::isfinite(value), std::string(name) + " must be a finite number, got " + std::to_string(value));
}

bool ShapeContext::has_weight(size_t slot) const {
  return slot < node_.weights.size() && !node_.weights[slot].empty();
}

const Tensor& ShapeContext::weight(size_t slot, int64_t numel, const char* what) const {
  check(has_weight(slot), std::string("missing ") + what);
  const Tensor& t = graph_.weight(node_.weights[slot]);
  check(numel < 0 || t.numel() == numel, std::string(what) + " '" + node_.weights[slot] + "' has shape " +
                                             shape_str(t.shape()) + ", expected " + std::to_string(numel) +
                                             " elements");
  return t;
}

std::vector<Shape> ShapeContext::weight_shapes() const {
  std::vector<Shape> shapes;
  for (const auto& name : node_.weights) shapes.push_back(graph_.weight(name).shape());
  return shapes;
}

const Tensor& RunContext::weight(size_t slot) const { return graph.weight(node.weights.at(slot)); }

Tensor RunContext::optional_weight(size_t slot) const {
  return slot < node.weights.size() && !node.weights[slot].empty() ? weight(slot) : Tensor();
}

std::vector<Tensor> RunContext::weights() const {
  std::vector<Tensor> out;
  for (const auto& name : node.weights) out.push_back(graph.weight(name));
  return out;
}

}  // namespace splitleak::victim
