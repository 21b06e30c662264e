#pragma once
// Pooling over H and W of (N, C, H, W).
#include <array>

#include "core/ops/pool.h"
#include "victim/ops/context.h"

namespace splitleak::victim::op {

// What max and average pooling share: the window, its shape inference and FLOPs (one per
// window element per output).
struct WindowPool {
  static constexpr bool kAliasesInput = false;
  std::array<int64_t, 2> kernel{1, 1}, stride{1, 1};
  std::array<int64_t, 4> pads{0, 0, 0, 0};  // top, left, bottom, right; symmetric, at most half the kernel
  bool ceil_mode = false;

  ops::Pool2dOptions options() const { return {kernel, stride, {pads[0], pads[1]}, ceil_mode, true}; }
  Shape infer(const ShapeContext& c) const;
  int64_t flops(const ShapeContext& c) const { return shape_numel(c.output()) * kernel[0] * kernel[1]; }
  template <class Visit> void fields(Visit&& field) {
    field("kernel", kernel), field("stride", stride), field("pads", pads), field("ceil_mode", ceil_mode);
  }
};

struct MaxPool : WindowPool {
  static constexpr const char* kName = "MaxPool";
  Tensor run(const RunContext& c) const;
};

struct AvgPool : WindowPool {
  static constexpr const char* kName = "AvgPool";
  bool count_include_pad = true;
  Tensor run(const RunContext& c) const;
  template <class Visit> void fields(Visit&& field) {
    WindowPool::fields(field), field("count_include_pad", count_include_pad);
  }
};

// Averages each of out_size[0] x out_size[1] regions (torch's adaptive_avg_pool2d).
struct AdaptiveAvgPool {
  static constexpr const char* kName = "AdaptiveAvgPool";
  static constexpr bool kAliasesInput = false;
  std::array<int64_t, 2> out_size{1, 1};
  Shape infer(const ShapeContext& c) const;
  int64_t flops(const ShapeContext& c) const { return shape_numel(c.input()); }
  Tensor run(const RunContext& c) const;
  template <class Visit> void fields(Visit&& field) { field("out_size", out_size); }
};

// (N, C, H, W) -> (N, C, 1, 1).
struct GlobalAvgPool {
  static constexpr const char* kName = "GlobalAvgPool";
  static constexpr bool kAliasesInput = false;
  Shape infer(const ShapeContext& c) const;
  int64_t flops(const ShapeContext& c) const { return shape_numel(c.input()); }
  Tensor run(const RunContext& c) const;
  template <class Visit> void fields(Visit&&) {}
};

}  // namespace splitleak::victim::op
