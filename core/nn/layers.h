#pragma once
// The engine's layers, torch's parameter names, layouts and default initialisation
// (kaiming_uniform(a = sqrt(5)) weights, uniform(+-1/sqrt(fan_in)) biases), drawn from the
// caller's Generator so construction is seeded.
#include <functional>
#include <string>

#include "core/nn/module.h"
#include "core/ops/conv.h"
#include "core/random.h"

namespace splitleak::nn {

class Conv2d : public Module {
 public:
  Conv2d(int64_t in_channels, int64_t out_channels, int64_t kernel, const ops::Conv2dOptions& options, bool bias,
         Generator& gen);
  Tensor forward(const Tensor& x) override;
  Tensor weight, bias;  // (out, in/groups, k, k), (out) or undefined
  ops::Conv2dOptions options;
};

class ConvTranspose2d : public Module {
 public:
  ConvTranspose2d(int64_t in_channels, int64_t out_channels, int64_t kernel, const ops::ConvTranspose2dOptions& options,
                  bool bias, Generator& gen);
  Tensor forward(const Tensor& x) override;
  Tensor weight, bias;  // (in, out/groups, k, k), (out) or undefined
  ops::ConvTranspose2dOptions options;
};

class Linear : public Module {
 public:
  Linear(int64_t in_features, int64_t out_features, bool bias, Generator& gen);
  Tensor forward(const Tensor& x) override;
  Tensor weight, bias;  // (out, in), (out) or undefined
};

class BatchNorm2d : public Module {
 public:
  explicit BatchNorm2d(int64_t channels, float eps = 1e-5f, float momentum = 0.1f, bool affine = true);
  Tensor forward(const Tensor& x) override;
  Tensor weight, bias, running_mean, running_var, num_batches_tracked;
  float eps, momentum;
};

class InstanceNorm2d : public Module {
 public:
  explicit InstanceNorm2d(int64_t channels, float eps = 1e-5f, bool affine = false);
  Tensor forward(const Tensor& x) override;
  Tensor weight, bias;
  float eps;
};

class Dropout : public Module {
 public:
  Dropout(float p, uint64_t seed) : p(p), gen_(seed) {}
  Tensor forward(const Tensor& x) override;
  // Restarts the mask stream (trainers reseed per step so a resumed run draws the same masks).
  void reseed(uint64_t seed) { gen_ = Generator(seed); }
  float p;

 private:
  Generator gen_;
};

// A stateless op as a module (activations, pooling, flatten).
class Functional : public Module {
 public:
  Functional(std::string name, std::function<Tensor(const Tensor&)> fn) : name(std::move(name)), fn_(std::move(fn)) {}
  Tensor forward(const Tensor& x) override { return fn_(x); }
  std::string name;

 private:
  std::function<Tensor(const Tensor&)> fn_;
};

// Children named "0", "1", ... as torch's nn.Sequential.
class Sequential : public Module {
 public:
  Sequential() = default;
  template <typename M>
  std::shared_ptr<M> add(std::shared_ptr<M> m) {
    layers_.push_back(m);
    return register_module(std::to_string(layers_.size() - 1), m);
  }
  Tensor forward(const Tensor& x) override;
  size_t size() const { return layers_.size(); }
  Module& operator[](size_t i) { return *layers_.at(i); }

 private:
  std::vector<std::shared_ptr<Module>> layers_;
};

}  // namespace splitleak::nn
