#include "victim/zoo/builder.h"

#include <cmath>

#include "core/error.h"

namespace splitleak::victim::zoo {

GraphBuilder::GraphBuilder(const Shape& chw, uint64_t seed) : gen_(seed) {
  Node input;
  input.name = "input";
  input.op = op::Input{};
  input.candidate = false;
  input.shape = {1};
  input.shape.insert(input.shape.end(), chw.begin(), chw.end());
  graph_.nodes.push_back(input);
  infer_shapes(graph_);
}

int GraphBuilder::push(Node node) {
  node.shape = infer_node_shape(graph_, node);
  graph_.nodes.push_back(std::move(node));
  return static_cast<int>(graph_.nodes.size()) - 1;
}

Tensor& GraphBuilder::new_weight(const std::string& name, const Shape& shape, bool buffer) {
  check(!graph_.tensors.count(name), "zoo: weight '" + name + "' defined twice");
  if (buffer) graph_.buffers.insert(name);
  return graph_.tensors[name] = Tensor::zeros(shape);
}

int GraphBuilder::add_normalize(int in) {
  Node n;
  n.name = "normalize", n.inputs = {in}, n.candidate = false;
  const int64_t c = channels(in);
  op::Normalize normalize;
  if (c == 3) {
    normalize.mean = {0.485f, 0.456f, 0.406f}, normalize.std = {0.229f, 0.224f, 0.225f};
  } else {
    normalize.mean.assign(c, 0.5f), normalize.std.assign(c, 0.5f);
  }
  n.op = normalize;
  return push(n);
}

int GraphBuilder::add_conv(const std::string& name, const std::string& prefix, int in, int64_t out_channels,
                           int64_t kernel, int64_t stride, int64_t padding, int64_t groups, bool bias, ConvInit init,
                           bool candidate) {
  Node n;
  n.name = name, n.inputs = {in}, n.candidate = candidate;
  op::Conv conv;
  conv.stride = {stride, stride}, conv.pads = {padding, padding, padding, padding}, conv.groups = groups;
  n.op = conv;
  const int64_t in_channels = channels(in);
  Tensor& w = new_weight(prefix + ".weight", {out_channels, in_channels / groups, kernel, kernel});
  n.weights = {prefix + ".weight"};
  if (init == ConvInit::KaimingNormalFanOut) {
    init::kaiming_normal_(w, gen_, 0.0f, init::FanMode::FanOut);
  } else {
    init::kaiming_uniform_(w, gen_, std::sqrt(5.0f));
  }
  if (bias) {
    Tensor& b = new_weight(prefix + ".bias", {out_channels});
    if (init == ConvInit::TorchDefault) {
      const float bound = 1.0f / std::sqrt(static_cast<float>(init::fans(w.shape()).first));
      init::uniform_(b, -bound, bound, gen_);
    }
    n.weights.push_back(prefix + ".bias");
  }
  return push(n);
}

int GraphBuilder::add_batch_norm(const std::string& name, const std::string& prefix, int in, bool candidate) {
  Node n;
  n.name = name, n.op = op::BatchNorm{}, n.inputs = {in}, n.candidate = candidate;
  const int64_t c = channels(in);
  new_weight(prefix + ".weight", {c}).fill(1.0f);
  new_weight(prefix + ".bias", {c});
  new_weight(prefix + ".running_mean", {c}, true);
  new_weight(prefix + ".running_var", {c}, true).fill(1.0f);
  n.weights = {prefix + ".weight", prefix + ".bias", prefix + ".running_mean", prefix + ".running_var"};
  return push(n);
}

int GraphBuilder::add_linear(const std::string& name, const std::string& prefix, int in, int64_t out_features,
                             LinearInit init, bool candidate) {
  Node n;
  n.name = name, n.op = op::Linear{}, n.inputs = {in}, n.candidate = candidate;
  const int64_t in_features = graph_.nodes.at(in).shape.at(1);
  Tensor& w = new_weight(prefix + ".weight", {out_features, in_features});
  Tensor& b = new_weight(prefix + ".bias", {out_features});
  switch (init) {
    case LinearInit::Normal001:
      init::normal_(w, 0.0f, 0.01f, gen_);
      break;
    case LinearInit::TorchDefault: {
      init::kaiming_uniform_(w, gen_, std::sqrt(5.0f));
      const float bound = 1.0f / std::sqrt(static_cast<float>(in_features));
      init::uniform_(b, -bound, bound, gen_);
      break;
    }
    case LinearInit::UniformInvSqrtOut: {
      const float bound = 1.0f / std::sqrt(static_cast<float>(out_features));
      init::uniform_(w, -bound, bound, gen_);
      break;
    }
  }
  n.weights = {prefix + ".weight", prefix + ".bias"};
  return push(n);
}

int GraphBuilder::add_max_pool(const std::string& name, int in, int64_t kernel, int64_t stride, int64_t padding,
                               bool candidate) {
  Node n;
  n.name = name, n.inputs = {in}, n.candidate = candidate;
  op::MaxPool pool;
  pool.kernel = {kernel, kernel}, pool.stride = {stride, stride}, pool.pads = {padding, padding, padding, padding};
  n.op = pool;
  return push(n);
}

int GraphBuilder::add_adaptive_pool(const std::string& name, int in, int64_t out_size, bool candidate) {
  Node n;
  n.name = name, n.op = op::AdaptiveAvgPool{{out_size, out_size}}, n.inputs = {in}, n.candidate = candidate;
  return push(n);
}

int GraphBuilder::add_dropout(const std::string& name, int in, float p) {
  Node n;
  n.name = name, n.op = op::Dropout{p}, n.inputs = {in}, n.candidate = false;
  return push(n);
}

int GraphBuilder::add(const std::string& name, Op op, std::vector<int> inputs, bool candidate) {
  Node n;
  n.name = name, n.op = op, n.inputs = std::move(inputs), n.candidate = candidate;
  return push(n);
}

Graph GraphBuilder::finish(std::map<std::string, std::string> metadata) {
  graph_.metadata = std::move(metadata);
  infer_shapes(graph_);
  return std::move(graph_);
}

int64_t scaled(int64_t channels, double width) {
  return std::max<int64_t>(1, std::llround(static_cast<double>(channels) * width));
}

int64_t make_divisible(double value, int64_t divisor) {
  int64_t v = std::max<int64_t>(divisor, static_cast<int64_t>(value + divisor / 2.0) / divisor * divisor);
  if (v < 0.9 * value) v += divisor;
  return v;
}

}  // namespace splitleak::victim::zoo
