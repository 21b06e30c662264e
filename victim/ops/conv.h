#pragma once
// 2-D convolution. Weights {weight (C_out, C_in / groups, kH, kW), bias (C_out)?}; the kernel
// size comes from the weight.
#include <array>

#include "core/ops/conv.h"
#include "victim/ops/context.h"

namespace splitleak::victim::op {

struct Conv {
  static constexpr const char* kName = "Conv";
  static constexpr bool kAliasesInput = false;
  std::array<int64_t, 2> stride{1, 1}, dilation{1, 1};
  std::array<int64_t, 4> pads{0, 0, 0, 0};  // top, left, bottom, right; must be symmetric
  int64_t groups = 1;

  ops::Conv2dOptions options() const { return {stride, {pads[0], pads[1]}, dilation, groups}; }
  Shape infer(const ShapeContext& c) const;
  int64_t flops(const ShapeContext& c) const;
  Tensor run(const RunContext& c) const;
  template <class Visit> void fields(Visit&& field) {
    field("stride", stride), field("dilation", dilation), field("pads", pads), field("groups", groups);
  }
};

}  // namespace splitleak::victim::op
