#include "victim/ops/linear.h"

#include "core/ops/linear.h"

namespace splitleak::victim::op {

Shape Linear::infer(const ShapeContext& c) const {
  c.need_inputs(1), c.need_rank(2);
  const Tensor& w = c.weight(0, -1, "weight");
  c.check(w.dim() == 2 && w.size(1) == c.input()[1],
          "weight " + shape_str(w.shape()) + " does not fit input " + shape_str(c.input()));
  if (c.has_weight(1)) c.weight(1, w.size(0), "bias");
  return {c.input()[0], w.size(0)};
}

int64_t Linear::flops(const ShapeContext& c) const {
  return 2 * shape_numel(c.output()) * c.weight(0, -1, "weight").size(1);
}

Tensor Linear::run(const RunContext& c) const { return ops::linear(c.input(), c.weight(0), c.optional_weight(1)); }

}  // namespace splitleak::victim::op
