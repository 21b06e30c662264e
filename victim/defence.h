#pragma once
// A defence at the cut (docs/defences.md): a transformation of the feature map run inside the
// enclave partition, as nodes appended to the front partition, so every enclave backend runs it
// and its cost is in the enclave's time. Its parameters are fitted on the auxiliary features,
// which the service provider (the attacker) can compute too: the defence is public, only its
// random draws are not.
#include <cstdint>
#include <string>
#include <vector>

#include "core/tensor.h"
#include "victim/graph.h"

namespace splitleak::victim {

struct DefenceSpec {
  std::string kind = "none";  // none | noise | dropout | quantize | topk | nopeek
  // noise: sigma relative to the features' standard deviation on the auxiliary data (> 0);
  // dropout: p in (0, 1); quantize: bits, an integer in [1, 16]; topk: the fraction of channels
  // kept, in (0, 1]; nopeek: the weight of the distance correlation in the loss (> 0). Unused by
  // none.
  double value = 0.0;
  // Epochs of fine-tuning on the victim's training data (0: none). nopeek (>= 1): the whole victim,
  // with cross-entropy + value x dCor(input, cut features) (ops::distance_correlation). Another
  // kind but none: the back partition alone, on the defended features of the unchanged front.
  int64_t finetune = 0;
  // "none", "noise(sigma=0.5)", "quantize(bits=4)", "noise(sigma=0.5,finetune=2)",
  // "nopeek(weight=0.1,finetune=1)", ...
  std::string label() const;
};

// The kinds, in the order above.
const std::vector<std::string>& defence_kinds();
// The kinds as a message lists them: "none, noise, dropout, quantize, topk, nopeek".
std::string defence_kinds_text();
// The name of the value `kind` takes, as experiment files write it: sigma, p, bits, fraction,
// weight ("" for none).
std::string defence_value_key(const std::string& kind);
// Throws Error (BadInput) naming the kind and the value's range when `spec` is not one.
void check_defence(const DefenceSpec& spec);
// Whether the defence is a node at the cut fitted on the auxiliary features (noise, dropout,
// quantize, topk), rather than nothing (none) or the victim's own weights (nopeek).
bool transforms_features(const DefenceSpec& spec);

// What fitting needs of the auxiliary features, accumulated batch by batch. Channels are
// dimension 1 of (N, C, ...) features (a flat feature vector: each value is a channel).
class FeatureStatistics {
 public:
  // Accumulates a batch (N, C, ...) on the host; every batch has the same shape after N.
  void add(const Tensor& features);
  int64_t count() const { return count_; }  // elements seen
  double standard_deviation() const;        // over every element (population)
  const std::vector<float>& channel_min() const { return min_; }
  const std::vector<float>& channel_max() const { return max_; }
  std::vector<double> channel_mean_magnitude() const;  // mean |x| per channel

 private:
  Shape item_shape_;
  int64_t count_ = 0;
  double sum_ = 0.0, sum_squares_ = 0.0;
  std::vector<float> min_, max_;
  std::vector<double> magnitude_sum_;
};

// The channels topk keeps: the round(fraction x C) (at least 1) of largest mean magnitude, ties
// to the lower index; in increasing order.
std::vector<int64_t> top_channels(const std::vector<double>& mean_magnitude, double fraction);

// A copy of `front` whose output is the defended feature map: one node named "defence.<kind>"
// appended after its output (GaussianNoise with sigma = value x the statistics' standard
// deviation; FeatureDropout; Quantize with the per-channel ranges; topk as Mul by a 0/1 channel
// mask). `none` and `nopeek` return `front` unchanged. Throws Error when `statistics` holds no features or
// features of another shape than the front's output.
Graph defend(const Graph& front, const DefenceSpec& spec, const FeatureStatistics& statistics);

// Whether `graph` has a node that draws randomness at every run (and so needs a generator).
bool draws_randomness(const Graph& graph);

// The defended front in expectation: `front` without a random defence at its output (noise and
// inverted dropout have the identity as their mean). What a white-box attacker differentiates
// through; a deterministic defence (quantize, topk) stays.
Graph expected_front(const Graph& front);

}  // namespace splitleak::victim
