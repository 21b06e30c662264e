#pragma once
// Batch normalisation over the channels of (N, C, ...). Weights {weight, bias, running_mean,
// running_var}, each (C); the running statistics are buffers, updated when training.
#include "victim/ops/context.h"

namespace splitleak::victim::op {

struct BatchNorm {
  static constexpr const char* kName = "BatchNorm";
  static constexpr bool kAliasesInput = false;
  float eps = 1e-5f, momentum = 0.1f;

  Shape infer(const ShapeContext& c) const;
  int64_t flops(const ShapeContext& c) const { return 2 * shape_numel(c.output()); }
  Tensor run(const RunContext& c) const;
  template <class Visit> void fields(Visit&& field) { field("eps", eps), field("momentum", momentum); }
};

}  // namespace splitleak::victim::op
