#pragma once
// Broadcast sum and product of exactly two operands: the node's producers followed by its
// weights (constants, e.g. an ONNX Add of an initializer). A constant operand must not add
// dimensions or change the batch.
#include "victim/ops/context.h"

namespace splitleak::victim::op {

struct Binary {
  static constexpr bool kAliasesInput = false;
  Shape infer(const ShapeContext& c) const;
  int64_t flops(const ShapeContext& c) const { return shape_numel(c.output()); }
  template <class Visit> void fields(Visit&&) {}
};

struct Add : Binary {
  static constexpr const char* kName = "Add";
  Tensor run(const RunContext& c) const;
};

struct Mul : Binary {
  static constexpr const char* kName = "Mul";
  Tensor run(const RunContext& c) const;
};

}  // namespace splitleak::victim::op
