#include "victim/graph.h"

#include <sstream>

#include "core/error.h"

namespace splitleak::victim {

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

Shape infer_node_shape(const Graph& graph, const Node& node) { return infer_op(node.op, ShapeContext::of(graph, node)); }

void infer_shapes(Graph& graph) {
  check(!graph.nodes.empty() && is<op::Input>(graph.nodes[0].op), "a model graph starts with its Input node");
  std::set<std::string> names;
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    Node& node = graph.nodes[i];
    check(!node.name.empty(), "node " + std::to_string(i) + " has no name");
    check(names.insert(node.name).second, "two nodes are called '" + node.name + "'");
    check(i == 0 || !is<op::Input>(node.op), where(node) + ": only node 0 may be the input");
    for (int p : node.inputs)
      check(p >= 0 && static_cast<size_t>(p) < i, where(node) + ": a producer is not an earlier node");
    for (const auto& w : node.weights)
      check(w.empty() || graph.tensors.count(w), where(node) + ": weight '" + w + "' is missing from the model");
    node.shape = infer_node_shape(graph, node);
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
    check(used == part.size() && !part.empty() && v > 0 && out.size() < 3,
          "input shape '" + shown(text) + "' is not CxHxW (e.g. 3x224x224)");
    check(v <= kMaxInputSide, "input shape '" + shown(text) + "': each of C, H and W is at most " + std::to_string(kMaxInputSide));
    out.push_back(v);
  }
  check(out.size() == 3, "input shape '" + shown(text) + "' is not CxHxW (e.g. 3x224x224)");
  return out;
}

}  // namespace splitleak::victim
