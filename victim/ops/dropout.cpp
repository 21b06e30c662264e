#include "victim/ops/dropout.h"

#include "core/error.h"
#include "core/ops/dropout.h"
#include "victim/graph.h"

namespace splitleak::victim::op {

Shape Dropout::infer(const ShapeContext& c) const {
  c.need_inputs(1);
  c.check(p >= 0.0f && p < 1.0f, "p must be in [0, 1)");
  return c.input();
}

Tensor Dropout::run(const RunContext& c) const {
  if (!c.training || p == 0.0f) return c.input();
  check(c.generator != nullptr, where(c.node) + ": training with dropout needs a seeded generator");
  return ops::dropout(c.input(), p, true, *c.generator);
}

}  // namespace splitleak::victim::op
