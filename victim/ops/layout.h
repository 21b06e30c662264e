#pragma once
// Ops that move or pad values without arithmetic: concatenation along channels, flatten,
// reshape and constant padding. None counts FLOPs.
#include <array>
#include <vector>

#include "victim/ops/context.h"

namespace splitleak::victim::op {

// Along channels (dim 1); every other dimension must match.
struct Concat {
  static constexpr const char* kName = "Concat";
  static constexpr bool kAliasesInput = false;
  Shape infer(const ShapeContext& c) const;
  int64_t flops(const ShapeContext&) const { return 0; }
  Tensor run(const RunContext& c) const;
  template <class Visit> void fields(Visit&&) {}
};

// (N, ...) -> (N, rest).
struct Flatten {
  static constexpr const char* kName = "Flatten";
  static constexpr bool kAliasesInput = true;
  Shape infer(const ShapeContext& c) const;
  int64_t flops(const ShapeContext&) const { return 0; }
  Tensor run(const RunContext& c) const;
  template <class Visit> void fields(Visit&&) {}
};

// (N, ...) -> (N, shape...): 0 copies the input's dimension at that place, one -1 is inferred.
struct Reshape {
  static constexpr const char* kName = "Reshape";
  static constexpr bool kAliasesInput = true;
  std::vector<int64_t> shape;  // the target shape after the batch dimension
  Shape infer(const ShapeContext& c) const;
  int64_t flops(const ShapeContext&) const { return 0; }
  Tensor run(const RunContext& c) const;
  template <class Visit> void fields(Visit&& field) { field("shape", shape); }
};

// Constant padding of H and W of (N, C, H, W).
struct Pad {
  static constexpr const char* kName = "Pad";
  static constexpr bool kAliasesInput = false;
  std::array<int64_t, 4> pads{0, 0, 0, 0};  // top, left, bottom, right
  float value = 0.0f;
  Shape infer(const ShapeContext& c) const;
  int64_t flops(const ShapeContext&) const { return 0; }
  Tensor run(const RunContext& c) const;
  template <class Visit> void fields(Visit&& field) { field("pads", pads), field("value", value); }
};

}  // namespace splitleak::victim::op
