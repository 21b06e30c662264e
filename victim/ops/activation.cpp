#include "victim/ops/activation.h"

#include <cmath>

#include "core/ops/activation.h"
#include "core/ops/elementwise.h"

namespace splitleak::victim::op {

Shape Pointwise::infer(const ShapeContext& c) const {
  c.need_inputs(1);
  return c.input();
}

Shape Clip::infer(const ShapeContext& c) const {
  c.check(!std::isnan(lo) && !std::isnan(hi) && lo <= hi,
          "needs lo <= hi, got lo " + std::to_string(lo) + ", hi " + std::to_string(hi));
  return Pointwise::infer(c);
}

Shape HardSigmoid::infer(const ShapeContext& c) const {
  c.need_finite("alpha", alpha), c.need_finite("beta", beta);
  return Pointwise::infer(c);
}

Tensor Relu::run(const RunContext& c) const { return ops::relu(c.input()); }
Tensor Clip::run(const RunContext& c) const { return ops::clamp(c.input(), lo, hi); }
Tensor Sigmoid::run(const RunContext& c) const { return ops::sigmoid(c.input()); }
Tensor HardSigmoid::run(const RunContext& c) const {
  return ops::clamp(ops::affine_scalar(c.input(), alpha, beta), 0.0f, 1.0f);
}
Tensor HardSwish::run(const RunContext& c) const { return ops::hardswish(c.input()); }
Tensor Silu::run(const RunContext& c) const { return ops::silu(c.input()); }

}  // namespace splitleak::victim::op
