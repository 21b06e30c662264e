#pragma once
// y = x W^T + b on (N, in). Weights {weight (out, in), bias (out)?}.
#include "victim/ops/context.h"

namespace splitleak::victim::op {

struct Linear {
  static constexpr const char* kName = "Linear";
  static constexpr bool kAliasesInput = false;

  Shape infer(const ShapeContext& c) const;
  int64_t flops(const ShapeContext& c) const;
  Tensor run(const RunContext& c) const;
  template <class Visit> void fields(Visit&&) {}
};

}  // namespace splitleak::victim::op
