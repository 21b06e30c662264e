#pragma once
// Inverted dropout with probability p when training (masks from RunContext::generator); the
// identity in inference.
#include "victim/ops/context.h"

namespace splitleak::victim::op {

struct Dropout {
  static constexpr const char* kName = "Dropout";
  static constexpr bool kAliasesInput = true;
  float p = 0.5f;
  Shape infer(const ShapeContext& c) const;
  int64_t flops(const ShapeContext&) const { return 0; }
  Tensor run(const RunContext& c) const;
  template <class Visit> void fields(Visit&& field) { field("p", p); }
};

}  // namespace splitleak::victim::op
