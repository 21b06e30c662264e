#pragma once
// The graph's input and the per-channel normalisation that usually follows it.
//
// Every victim op is a struct of its own attributes with the members victim/op.h requires:
//   kName             its name in model files and messages
//   kAliasesInput     true when inference returns a view of its input (no kernel runs)
//   infer(ShapeContext) -> Shape     the output shape; checks inputs and weights
//   flops(ShapeContext) -> int64_t   at batch 1, once shapes are inferred
//   run(RunContext) -> Tensor        on the engine's ops, so on the inputs' device
//   fields(visit)                    visit("name", member) for each attribute it serialises
#include <vector>

#include "victim/ops/context.h"

namespace splitleak::victim::op {

// Node 0 of every graph; its shape is the node's own (set by the loader or builder).
struct Input {
  static constexpr const char* kName = "Input";
  static constexpr bool kAliasesInput = true;
  Shape infer(const ShapeContext& c) const;
  int64_t flops(const ShapeContext&) const { return 0; }
  Tensor run(const RunContext& c) const { return c.input(); }
  template <class Visit> void fields(Visit&&) {}
};

// y = (x - mean[c]) / std[c] per channel c.
struct Normalize {
  static constexpr const char* kName = "Normalize";
  static constexpr bool kAliasesInput = false;
  std::vector<float> mean, std;
  Shape infer(const ShapeContext& c) const;
  int64_t flops(const ShapeContext& c) const { return 2 * shape_numel(c.output()); }
  Tensor run(const RunContext& c) const;
  template <class Visit> void fields(Visit&& field) { field("mean", mean), field("std", std); }
};

}  // namespace splitleak::victim::op
