#include "victim/defence.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

#include "core/error.h"
#include "core/suggest.h"

namespace splitleak::victim {
namespace {

// Six significant digits, no trailing zeros: 0.5, 2, 1e-07.
std::string number(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", v);
  return text;
}

}  // namespace

std::string defence_value_key(const std::string& kind) {
  if (kind == "noise") return "sigma";
  if (kind == "dropout") return "p";
  if (kind == "quantize") return "bits";
  if (kind == "topk") return "fraction";
  if (kind == "nopeek") return "weight";
  return "";
}

const std::vector<std::string>& defence_kinds() {
  static const std::vector<std::string> kinds{"none", "noise", "dropout", "quantize", "topk", "nopeek"};
  return kinds;
}

std::string DefenceSpec::label() const {
  if (kind == "none") return kind;
  std::string out = kind;
  out.append("(").append(defence_value_key(kind)).append("=").append(number(value));
  if (finetune > 0) out.append(",finetune=").append(std::to_string(finetune));
  return out.append(")");
}

std::string defence_kinds_text() {
  std::string listed;
  for (const std::string& k : defence_kinds()) listed.append(listed.empty() ? "" : ", ").append(k);
  return listed;
}

void check_defence(const DefenceSpec& spec) {
  const auto& kinds = defence_kinds();
  check(std::find(kinds.begin(), kinds.end(), spec.kind) != kinds.end(),
        "unknown defence '" + spec.kind + "'" + did_you_mean(spec.kind, kinds) + " (" + defence_kinds_text() + ")");
  const double v = spec.value;
  const std::string prefix = spec.kind + ": " + defence_value_key(spec.kind) + " must be ";
  if (spec.kind == "noise" || spec.kind == "nopeek") check(std::isfinite(v) && v > 0.0, prefix + "a number > 0, got " + number(v));
  if (spec.kind == "dropout") check(v > 0.0 && v < 1.0, prefix + "in (0, 1), got " + number(v));
  if (spec.kind == "quantize")
    check(v >= 1.0 && v <= 16.0 && v == std::floor(v), prefix + "an integer in [1, 16], got " + number(v));
  if (spec.kind == "topk") check(v > 0.0 && v <= 1.0, prefix + "in (0, 1], got " + number(v));
  if (spec.kind == "none") check(spec.finetune == 0, "none: the undefended victim is not fine-tuned (finetune must be 0)");
  if (spec.kind == "nopeek")
    check(spec.finetune >= 1, "nopeek: finetune must be at least 1 epoch, got " + std::to_string(spec.finetune));
  check(spec.finetune >= 0, spec.kind + ": finetune must be epochs >= 0, got " + std::to_string(spec.finetune));
}

bool transforms_features(const DefenceSpec& spec) { return spec.kind != "none" && spec.kind != "nopeek"; }

void FeatureStatistics::add(const Tensor& features) {
  const Tensor host = features.on_device() ? features.to(Device{}) : features;
  check(host.dim() >= 2 && host.size(0) >= 1, "defence statistics need (N, C, ...) features, got " + shape_str(host.shape()));
  const Shape item(host.shape().begin() + 1, host.shape().end());
  if (count_ == 0) {
    item_shape_ = item;
    min_.assign(item[0], INFINITY), max_.assign(item[0], -INFINITY), magnitude_sum_.assign(item[0], 0.0);
  }
  check(item == item_shape_, "defence statistics: features of (N, " + shape_str(item) + ") after (N, " +
                                 shape_str(item_shape_) + ")");
  const int64_t channels = item[0], inner = shape_numel(item) / channels;
  const float* x = host.data();
  for (int64_t i = 0; i < host.numel(); ++i) {
    const int64_t c = (i / inner) % channels;
    const double v = x[i];
    sum_ += v, sum_squares_ += v * v, magnitude_sum_[c] += std::abs(v);
    min_[c] = std::min(min_[c], x[i]), max_[c] = std::max(max_[c], x[i]);
  }
  count_ += host.numel();
}

double FeatureStatistics::standard_deviation() const {
  check(count_ > 0, "defence statistics: no features seen");
  const double mean = sum_ / static_cast<double>(count_);
  return std::sqrt(std::max(0.0, sum_squares_ / static_cast<double>(count_) - mean * mean));
}

std::vector<double> FeatureStatistics::channel_mean_magnitude() const {
  std::vector<double> out = magnitude_sum_;
  const double per_channel = static_cast<double>(count_) / static_cast<double>(std::max<size_t>(1, out.size()));
  for (double& m : out) m /= per_channel;
  return out;
}

std::vector<int64_t> top_channels(const std::vector<double>& mean_magnitude, double fraction) {
  const int64_t channels = static_cast<int64_t>(mean_magnitude.size());
  const int64_t keep = std::clamp<int64_t>(std::llround(fraction * static_cast<double>(channels)), 1, channels);
  std::vector<int64_t> order(channels);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](int64_t a, int64_t b) { return mean_magnitude[a] > mean_magnitude[b]; });
  order.resize(keep);
  std::sort(order.begin(), order.end());
  return order;
}

Graph defend(const Graph& front, const DefenceSpec& spec, const FeatureStatistics& statistics) {
  check_defence(spec);
  if (!transforms_features(spec)) return front;
  check(statistics.count() > 0, "defence '" + spec.label() + "': no auxiliary features to fit it on");
  const Shape& out_shape = front.output().shape;
  check(!statistics.channel_min().empty() && out_shape.size() >= 2 &&
            static_cast<int64_t>(statistics.channel_min().size()) == out_shape[1],
        "defence '" + spec.label() + "': statistics of other features than the cut's " + shape_str(out_shape));
  Graph g = front;
  Node node;
  node.name = "defence." + spec.kind, node.inputs = {static_cast<int>(g.nodes.size()) - 1}, node.candidate = false;
  if (spec.kind == "noise") {
    node.op = op::GaussianNoise{static_cast<float>(spec.value * statistics.standard_deviation())};
  } else if (spec.kind == "dropout") {
    node.op = op::FeatureDropout{static_cast<float>(spec.value)};
  } else if (spec.kind == "quantize") {
    node.op = op::Quantize{static_cast<int64_t>(spec.value)};
    g.tensors[node.name + ".lo"] = Tensor::from_vector({out_shape[1]}, statistics.channel_min());
    g.tensors[node.name + ".hi"] = Tensor::from_vector({out_shape[1]}, statistics.channel_max());
    node.weights = {node.name + ".lo", node.name + ".hi"};
  } else {
    std::vector<float> mask(out_shape[1], 0.0f);
    for (int64_t c : top_channels(statistics.channel_mean_magnitude(), spec.value)) mask[c] = 1.0f;
    Shape mask_shape(out_shape.size(), 1);
    mask_shape[1] = out_shape[1];
    node.op = op::Mul{};
    g.tensors[node.name + ".mask"] = Tensor::from_vector(mask_shape, mask);
    node.weights = {node.name + ".mask"};
  }
  for (const std::string& w : node.weights) g.buffers.insert(w);
  g.nodes.push_back(std::move(node));
  infer_shapes(g);
  return g;
}

bool draws_randomness(const Graph& graph) {
  return std::any_of(graph.nodes.begin(), graph.nodes.end(),
                     [](const Node& n) { return is<op::GaussianNoise>(n.op) || is<op::FeatureDropout>(n.op); });
}

Graph expected_front(const Graph& front) {
  const Op& last = front.output().op;
  if (!is<op::GaussianNoise>(last) && !is<op::FeatureDropout>(last)) return front;
  Graph g = front;
  g.nodes.pop_back();
  return g;
}

}  // namespace splitleak::victim
