#pragma once
// Module: named parameters (leaves requiring gradients), named buffers (state that is saved but
// not trained, e.g. batch-norm running statistics), child modules, and train/eval mode.
// Names are hierarchical with '.' as torch's state_dict writes them ("features.0.weight"); the
// order is registration order, so a name is a parameter's stable id.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/tensor.h"

namespace splitleak::nn {

using NamedTensors = std::vector<std::pair<std::string, Tensor>>;

class Module {
 public:
  virtual ~Module() = default;
  virtual Tensor forward(const Tensor& x) = 0;
  Tensor operator()(const Tensor& x) { return forward(x); }

  NamedTensors named_parameters() const;
  std::vector<Tensor> parameters() const;
  NamedTensors named_buffers() const;
  int64_t parameter_count() const;

  // Sets the mode of this module and every descendant.
  void train(bool on = true);
  void eval() { train(false); }
  bool is_training() const { return training_; }
  void zero_grad();
  // Moves every parameter and buffer of this module and its descendants to `device` in place
  // (Tensor::move_to); optimizers made afterwards keep their state there too.
  void to(const Device& device);

 protected:
  Tensor register_parameter(const std::string& name, Tensor t);
  Tensor register_buffer(const std::string& name, Tensor t);
  template <typename M>
  std::shared_ptr<M> register_module(const std::string& name, std::shared_ptr<M> m) {
    children_.emplace_back(name, m);
    return m;
  }

 private:
  void collect(const std::string& prefix, bool params, NamedTensors& out) const;
  NamedTensors params_, buffers_;
  std::vector<std::pair<std::string, std::shared_ptr<Module>>> children_;
  bool training_ = true;
};

}  // namespace splitleak::nn
