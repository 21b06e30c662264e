#include "tests/victim/op_table.h"

#include "core/random.h"

namespace splitleak::victim::testing {
namespace {

struct Weight {
  std::string name;
  Shape shape;
  bool buffer = false;
};

// input (shape `input`) -> `op` reading the input `producers` times and `weights` (uniform in
// [0.5, 1.5), seeded by the op's index so every case differs).
Graph single_op_graph(const Shape& input, Op op, const std::vector<Weight>& weights, int producers = 1) {
  Graph g;
  Node in;
  in.name = "input", in.op = op::Input{}, in.shape = input, in.candidate = false;
  g.nodes.push_back(in);
  if (is<op::Input>(op)) return g;
  Node node;
  node.name = std::string("the_") + op_name(op), node.op = std::move(op), node.inputs.assign(producers, 0);
  Generator gen(100 + node.op.index());
  for (const auto& w : weights) {
    Tensor t = Tensor::empty(w.shape);
    init::uniform_(t, 0.5f, 1.5f, gen);
    g.tensors[w.name] = t;
    if (w.buffer) g.buffers.insert(w.name);
    node.weights.push_back(w.name);
  }
  g.nodes.push_back(node);
  infer_shapes(g);
  return g;
}

VictimOpCase make(Graph g, Shape output, int64_t flops, std::vector<std::string> attributes) {
  VictimOpCase c;
  c.op = op_name(g.output().op), c.graph = std::move(g), c.output = std::move(output), c.flops = flops;
  c.attributes = std::move(attributes);
  return c;
}

const Shape kImage{1, 3, 4, 5};  // 60 elements

}  // namespace

std::vector<VictimOpCase> victim_op_cases() {
  std::vector<VictimOpCase> all;
  all.push_back(make(single_op_graph(kImage, op::Input{}, {}), kImage, 0, {}));
  all.push_back(make(single_op_graph(kImage, op::Normalize{{0.4f, 0.5f, 0.6f}, {0.2f, 0.25f, 0.3f}}, {}), kImage,
                     120, {"mean", "std"}));
  // Grouped, strided and dilated: H (7 + 2 - 2 - 1) / 2 + 1 = 4, W (6 + 2 - 4 - 1) / 1 + 1 = 4.
  all.push_back(make(single_op_graph({1, 4, 7, 6}, op::Conv{{2, 1}, {1, 2}, {1, 1, 1, 1}, 2},
                                     {{"conv.weight", {6, 2, 3, 3}}, {"conv.bias", {6}}}),
                     {1, 6, 4, 4}, 2 * 96 * 2 * 9, {"dilation", "groups", "pads", "stride"}));
  all.push_back(make(single_op_graph(kImage, op::BatchNorm{1e-3f, 0.2f},
                                     {{"bn.weight", {3}}, {"bn.bias", {3}}, {"bn.running_mean", {3}, true},
                                      {"bn.running_var", {3}, true}}),
                     kImage, 120, {"eps", "momentum"}));
  all.push_back(make(single_op_graph({1, 8}, op::Linear{}, {{"fc.weight", {5, 8}}, {"fc.bias", {5}}}), {1, 5}, 80,
                     {}));
  all.push_back(make(single_op_graph(kImage, op::Relu{}, {}), kImage, 60, {}));
  op::Clip clip;
  clip.lo = 0.75f, clip.hi = 1.25f;
  all.push_back(make(single_op_graph(kImage, clip, {}), kImage, 60, {"hi", "lo"}));
  all.push_back(make(single_op_graph(kImage, op::Sigmoid{}, {}), kImage, 60, {}));
  op::HardSigmoid hard_sigmoid;
  hard_sigmoid.alpha = 0.3f, hard_sigmoid.beta = 0.4f;
  all.push_back(make(single_op_graph(kImage, hard_sigmoid, {}), kImage, 60, {"alpha", "beta"}));
  all.push_back(make(single_op_graph(kImage, op::HardSwish{}, {}), kImage, 60, {}));
  all.push_back(make(single_op_graph(kImage, op::Silu{}, {}), kImage, 60, {}));
  // Window 3, stride 2, pad 1, ceil mode on 7 x 6: 4 x 4.
  const op::WindowPool window{{3, 3}, {2, 2}, {1, 1, 1, 1}, true};
  const std::vector<std::string> window_keys{"ceil_mode", "kernel", "pads", "stride"};
  all.push_back(make(single_op_graph({1, 3, 7, 6}, op::MaxPool{window}, {}), {1, 3, 4, 4}, 48 * 9, window_keys));
  all.push_back(make(single_op_graph({1, 3, 7, 6}, op::AvgPool{window, false}, {}), {1, 3, 4, 4}, 48 * 9,
                     {"ceil_mode", "count_include_pad", "kernel", "pads", "stride"}));
  all.push_back(make(single_op_graph(kImage, op::AdaptiveAvgPool{{2, 3}}, {}), {1, 3, 2, 3}, 60, {"out_size"}));
  all.push_back(make(single_op_graph(kImage, op::GlobalAvgPool{}, {}), {1, 3, 1, 1}, 60, {}));
  // Add of a per-channel constant; Mul of the input with itself.
  all.push_back(make(single_op_graph(kImage, op::Add{}, {{"shift", {1, 3, 1, 1}, true}}), kImage, 60, {}));
  all.push_back(make(single_op_graph(kImage, op::Mul{}, {}, 2), kImage, 60, {}));
  all.push_back(make(single_op_graph(kImage, op::Concat{}, {}, 2), {1, 6, 4, 5}, 0, {}));
  all.push_back(make(single_op_graph(kImage, op::Flatten{}, {}), {1, 60}, 0, {}));
  all.push_back(make(single_op_graph(kImage, op::Reshape{{-1, 10}}, {}), {1, 6, 10}, 0, {"shape"}));
  all.push_back(make(single_op_graph(kImage, op::Dropout{0.3f}, {}), kImage, 0, {"p"}));
  all.push_back(make(single_op_graph(kImage, op::Pad{{1, 2, 0, 1}, 0.5f}, {}), {1, 3, 5, 8}, 0, {"pads", "value"}));
  all.push_back(make(single_op_graph(kImage, op::GaussianNoise{0.25f}, {}), kImage, 120, {"sigma"}));
  all.push_back(make(single_op_graph(kImage, op::FeatureDropout{0.3f}, {}), kImage, 60, {"p"}));
  all.push_back(make(single_op_graph(kImage, op::Quantize{3}, {{"q.lo", {3}, true}, {"q.hi", {3}, true}}), kImage, 240,
                     {"bits"}));
  return all;
}

}  // namespace splitleak::victim::testing
