#pragma once
// Builds zoo graphs layer by layer with torchvision's parameter names and initialisations.
// Every add_* appends one node, infers its shape and returns its index.
#include <string>

#include "core/random.h"
#include "victim/graph.h"

namespace splitleak::victim::zoo {

// How a layer's weights start (torchvision's per-architecture choices).
enum class ConvInit { KaimingNormalFanOut, TorchDefault };
enum class LinearInit { Normal001, TorchDefault, UniformInvSqrtOut };

class GraphBuilder {
 public:
  GraphBuilder(const Shape& chw, uint64_t seed);

  // Per-channel normalisation of [0, 1] images: ImageNet's statistics for 3 channels, 0.5/0.5
  // otherwise. Not a candidate cut.
  int add_normalize(int in);
  // `prefix` is the torch module path: weights are prefix + ".weight" / ".bias".
  int add_conv(const std::string& name, const std::string& prefix, int in, int64_t out_channels, int64_t kernel,
               int64_t stride, int64_t padding, int64_t groups, bool bias, ConvInit init, bool candidate = true);
  int add_batch_norm(const std::string& name, const std::string& prefix, int in, bool candidate = true);
  int add_linear(const std::string& name, const std::string& prefix, int in, int64_t out_features, LinearInit init,
                 bool candidate = true);
  int add_max_pool(const std::string& name, int in, int64_t kernel, int64_t stride, int64_t padding,
                   bool candidate = true);
  int add_adaptive_pool(const std::string& name, int in, int64_t out_size, bool candidate = true);
  int add_dropout(const std::string& name, int in, float p);
  // Ops without weights (activations, Flatten, Add, Mul, Concat), with the attributes `op` holds.
  int add(const std::string& name, Op op, std::vector<int> inputs, bool candidate = true);

  int channels(int node) const { return static_cast<int>(graph_.nodes.at(node).shape.at(1)); }
  Node& node(int index) { return graph_.nodes.at(index); }
  // Infers every shape once more and hands the graph over.
  Graph finish(std::map<std::string, std::string> metadata);

 private:
  int push(Node node);
  Tensor& new_weight(const std::string& name, const Shape& shape, bool buffer = false);
  Graph graph_;
  Generator gen_;
};

// round(channels * width), at least 1.
int64_t scaled(int64_t channels, double width);

// torchvision's _make_divisible(v, 8): channels rounded to a multiple of 8, never below 90%.
int64_t make_divisible(double value, int64_t divisor = 8);

}  // namespace splitleak::victim::zoo
