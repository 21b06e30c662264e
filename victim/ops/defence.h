#pragma once
// Defences applied to the feature map at the cut, inside the enclave partition (docs/defences.md).
// Each keeps the input's shape. GaussianNoise and FeatureDropout draw fresh randomness on every
// run, training or not, from RunContext::generator, which they require (in the enclave: a stream
// derived from the session key, tee_runtime/enclave.h). Quantize rounds to per-channel levels.
// Gradients (for white-box attackers that differentiate through a defended front): the noise is
// a constant added (identity), the dropout mask scales as in training, and Quantize passes the
// gradient straight through (its true derivative is zero almost everywhere).
#include "victim/ops/context.h"

namespace splitleak::victim::op {

// x + sigma * n, n standard normal per element.
struct GaussianNoise {
  static constexpr const char* kName = "GaussianNoise";
  static constexpr bool kAliasesInput = false;
  float sigma = 0.1f;  // absolute, finite, >= 0
  Shape infer(const ShapeContext& c) const;
  int64_t flops(const ShapeContext& c) const { return 2 * shape_numel(c.output()); }
  Tensor run(const RunContext& c) const;
  template <class Visit> void fields(Visit&& field) { field("sigma", sigma); }
};

// Each element zeroed with probability p and the rest scaled by 1 / (1 - p), at every run.
struct FeatureDropout {
  static constexpr const char* kName = "FeatureDropout";
  static constexpr bool kAliasesInput = false;
  float p = 0.5f;  // in [0, 1)
  Shape infer(const ShapeContext& c) const;
  int64_t flops(const ShapeContext& c) const { return shape_numel(c.output()); }
  Tensor run(const RunContext& c) const;
  template <class Visit> void fields(Visit&& field) { field("p", p); }
};

// Per channel c (dimension 1): x clamped to [lo_c, hi_c] and rounded to the nearest of 2^bits
// evenly spaced levels from lo_c to hi_c (lo_c when hi_c == lo_c). Weights: slot 0 lo, slot 1 hi,
// each one value per channel. Computed on the host; the result is exactly a level.
struct Quantize {
  static constexpr const char* kName = "Quantize";
  static constexpr bool kAliasesInput = false;
  int64_t bits = 8;  // 1 .. 16
  Shape infer(const ShapeContext& c) const;
  int64_t flops(const ShapeContext& c) const { return 4 * shape_numel(c.output()); }
  Tensor run(const RunContext& c) const;
  template <class Visit> void fields(Visit&& field) { field("bits", bits); }
};

}  // namespace splitleak::victim::op
