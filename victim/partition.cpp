#include "victim/partition.h"

#include "core/error.h"

namespace splitleak::victim {
namespace {

// A graph of `nodes` holding only the weights they read.
Graph with_nodes(const Graph& source, std::vector<Node> nodes) {
  Graph g;
  g.nodes = std::move(nodes);
  g.metadata = source.metadata;
  for (const Node& node : g.nodes)
    for (const auto& w : node.weights) {
      if (w.empty()) continue;
      g.tensors[w] = source.weight(w);
      if (source.buffers.count(w)) g.buffers.insert(w);
    }
  infer_shapes(g);
  return g;
}

}  // namespace

bool is_valid_cut(const Graph& graph, int index) {
  const int count = static_cast<int>(graph.nodes.size());
  if (index < 1 || index >= count) return false;
  for (int k = index + 1; k < count; ++k)
    for (int p : graph.nodes[k].inputs)
      if (p < index) return false;
  return true;
}

std::vector<int> valid_cuts(const Graph& graph) {
  std::vector<int> out;
  for (int i = 1; i < static_cast<int>(graph.nodes.size()); ++i)
    if (graph.nodes[i].candidate && is_valid_cut(graph, i)) out.push_back(i);
  return out;
}

Partition partition(const Graph& graph, const std::string& cut) {
  const int at = graph.index_of(cut);
  check(at >= 1, "cannot cut at the input node '" + cut + "'");
  check(is_valid_cut(graph, at), "cannot cut at '" + cut + "': a skip connection crosses it (valid cuts: see "
                                 "`splitleak inspect`)");
  std::vector<Node> front(graph.nodes.begin(), graph.nodes.begin() + at + 1);
  std::vector<Node> back;
  Node input;
  input.name = cut;
  input.op = op::Input{};
  input.shape = graph.nodes[at].shape;
  back.push_back(input);
  for (size_t k = at + 1; k < graph.nodes.size(); ++k) {
    Node node = graph.nodes[k];
    for (int& p : node.inputs) p -= at;  // the cut becomes node 0
    back.push_back(std::move(node));
  }
  Partition out{with_nodes(graph, std::move(front)), with_nodes(graph, std::move(back))};
  out.front.metadata["cut"] = cut;
  out.back.metadata["cut"] = cut;
  return out;
}

}  // namespace splitleak::victim
