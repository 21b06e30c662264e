#pragma once
// Elementwise activations of one input: the output has the input's shape, one FLOP per element.
#include "victim/ops/context.h"

namespace splitleak::victim::op {

// What every activation shares: shape inference, FLOPs, no attributes unless it declares some.
struct Pointwise {
  static constexpr bool kAliasesInput = false;
  Shape infer(const ShapeContext& c) const;
  int64_t flops(const ShapeContext& c) const { return shape_numel(c.output()); }
  template <class Visit> void fields(Visit&&) {}
};

struct Relu : Pointwise {
  static constexpr const char* kName = "Relu";
  Tensor run(const RunContext& c) const;
};

// clamp(x, lo, hi); relu6 is Clip 0..6.
struct Clip : Pointwise {
  static constexpr const char* kName = "Clip";
  float lo = 0.0f, hi = 6.0f;  // lo <= hi; either may be infinite (an open side)
  Shape infer(const ShapeContext& c) const;
  Tensor run(const RunContext& c) const;
  template <class Visit> void fields(Visit&& field) { field("lo", lo), field("hi", hi); }
};

struct Sigmoid : Pointwise {
  static constexpr const char* kName = "Sigmoid";
  Tensor run(const RunContext& c) const;
};

// clamp(alpha * x + beta, 0, 1).
struct HardSigmoid : Pointwise {
  static constexpr const char* kName = "HardSigmoid";
  float alpha = 1.0f / 6.0f, beta = 0.5f;  // finite
  Shape infer(const ShapeContext& c) const;
  Tensor run(const RunContext& c) const;
  template <class Visit> void fields(Visit&& field) { field("alpha", alpha), field("beta", beta); }
};

struct HardSwish : Pointwise {
  static constexpr const char* kName = "HardSwish";
  Tensor run(const RunContext& c) const;
};

struct Silu : Pointwise {
  static constexpr const char* kName = "Silu";
  Tensor run(const RunContext& c) const;
};

}  // namespace splitleak::victim::op
