#pragma once
// What a victim op sees of its node (victim/op.h). ShapeContext serves shape inference and FLOPs:
// the producers' shapes at batch 1 and the node's weights. RunContext serves execution: the
// producers' values (on any one device) and the node's weights. Their checks throw Error naming
// the node: "node 'conv1' (Conv): ...".
#include <string>
#include <vector>

#include "core/random.h"
#include "core/tensor.h"

namespace splitleak::victim {

struct Graph;
struct Node;

// "node 'name' (Op)": the prefix of every error about `node`.
std::string where(const Node& node);

class ShapeContext {
 public:
  ShapeContext(const Graph& graph, const Node& node, std::vector<Shape> input_shapes);
  // With the shapes already inferred for the node's producers in `graph`.
  static ShapeContext of(const Graph& graph, const Node& node);

  const Node& node() const { return node_; }
  const std::vector<Shape>& inputs() const { return inputs_; }
  const Shape& input(size_t i = 0) const { return inputs_.at(i); }
  // The node's inferred output shape (valid once inference has run: for FLOPs).
  const Shape& output() const;

  // Throws Error naming the node with `message` unless `ok`.
  void check(bool ok, const std::string& message) const;
  void need_inputs(size_t count) const;
  // Range checks of attributes: "<name> must be ..., got [values]".
  template <class Values> void need_at_least(const char* name, const Values& values, int64_t minimum) const {
    bool ok = true;
    std::string text;
    for (int64_t v : values) ok = ok && v >= minimum, text += (text.empty() ? "" : ", ") + std::to_string(v);
    check(ok, std::string(name) + " must be >= " + std::to_string(minimum) + ", got [" + text + "]");
  }
  void need_finite(const char* name, float value) const;
  void need_rank(size_t rank) const;  // of input 0
  bool has_weight(size_t slot) const;
  // The weight in `slot`, which must exist with `numel` elements (any when numel < 0); `what`
  // names the slot in errors ("weight", "bias", ...).
  const Tensor& weight(size_t slot, int64_t numel, const char* what) const;
  // The shapes of every weight of the node, in slot order (constant operands of Add and Mul).
  std::vector<Shape> weight_shapes() const;

 private:
  const Graph& graph_;
  const Node& node_;
  std::vector<Shape> inputs_;
};

struct RunContext {
  RunContext(const Graph& graph, const Node& node, const std::vector<Tensor>& inputs, bool training = false,
             Generator* generator = nullptr)
      : graph(graph), node(node), inputs(inputs), training(training), generator(generator) {}

  const Graph& graph;
  const Node& node;
  const std::vector<Tensor>& inputs;  // the producers' values, in Node::inputs order
  bool training;                      // batch norm uses batch statistics; dropout drops
  Generator* generator;               // dropout's masks (required when training with dropout)

  const Tensor& input(size_t i = 0) const { return inputs.at(i); }
  const Tensor& weight(size_t slot) const;
  // The weight in `slot`, or an undefined Tensor for an absent optional one (a bias).
  Tensor optional_weight(size_t slot) const;
  // Every weight of the node, in slot order.
  std::vector<Tensor> weights() const;
};

}  // namespace splitleak::victim
