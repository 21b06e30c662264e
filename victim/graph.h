#pragma once
// The victim as a backend-neutral graph: named nodes in topological order, each an op with its
// attributes, its producer nodes and the names of the weight tensors it reads. Node 0 is the
// graph's input; the last node is its output. Weights live in the graph by name (torchvision's
// state_dict names for the zoo, initializer names for ONNX imports); trainable parameters and
// buffers (batch-norm running statistics, constants) are told apart.
//
// Shapes carry the batch dimension; the graph's shapes are inferred at batch 1 and every op is
// batch-agnostic, so any batch runs.
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/tensor.h"
#include "victim/op.h"

namespace splitleak::victim {

struct Node {
  std::string name;
  Op op = op::Input{};                // the op and its own attributes (victim/op.h)
  std::vector<int> inputs;            // indices of producer nodes (all earlier than this node)
  std::vector<std::string> weights;   // names in Graph::tensors; "" for an absent optional (bias)
  bool candidate = true;  // offered as a cut point (zoo models hide e.g. dropout and flatten)
  Shape shape;            // output shape at batch 1, filled by infer_shapes
};

struct Graph {
  std::vector<Node> nodes;                // topological order; nodes[0] is the Input
  std::map<std::string, Tensor> tensors;  // every weight by name
  std::set<std::string> buffers;          // the names in `tensors` that are not trained
  std::map<std::string, std::string> metadata;  // source, classes, ...

  const Node& input() const { return nodes.front(); }
  const Node& output() const { return nodes.back(); }
  // Index of the node called `name`; throws Error listing nothing but the name when absent.
  int index_of(const std::string& name) const;
  const Tensor& weight(const std::string& name) const;
  // Trainable parameters in node order (each once), for optimizers and checkpoints.
  std::vector<std::pair<std::string, Tensor>> parameters() const;
  std::vector<std::pair<std::string, Tensor>> buffer_tensors() const;
  int64_t parameter_count() const;
};

// Checks structure (producers earlier, names unique, weights present with the shapes the op
// needs) and fills every Node::shape from the input node's shape. Throws Error naming the node.
void infer_shapes(Graph& graph);

// The output shape of `node` given the shapes already inferred for its producers; throws Error
// naming the node.
Shape infer_node_shape(const Graph& graph, const Node& node);

// Sets the input shape (C, H, W; batch stays 1) and re-infers every shape.
void set_input_shape(Graph& graph, const Shape& chw);

// The largest C, H or W an input shape may give.
inline constexpr int64_t kMaxInputSide = 65536;
// Parses "CxHxW" (e.g. "3x224x224"); throws Error naming the text.
Shape parse_chw(const std::string& text);

}  // namespace splitleak::victim
