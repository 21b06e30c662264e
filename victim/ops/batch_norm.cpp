#include "victim/ops/batch_norm.h"

#include <cmath>

#include "core/ops/norm.h"

namespace splitleak::victim::op {

Shape BatchNorm::infer(const ShapeContext& c) const {
  c.need_inputs(1);
  c.check(c.input().size() >= 2, "expects (N, C, ...)");
  c.check(eps > 0.0f && std::isfinite(eps), "eps must be a positive number, got " + std::to_string(eps));
  c.check(momentum >= 0.0f && momentum <= 1.0f, "momentum must be in [0, 1], got " + std::to_string(momentum));
  const char* slots[] = {"weight", "bias", "running_mean", "running_var"};
  for (size_t s = 0; s < 4; ++s) c.weight(s, c.input()[1], slots[s]);
  return c.input();
}

Tensor BatchNorm::run(const RunContext& c) const {
  return ops::batch_norm(c.input(), c.weight(0), c.weight(1), c.weight(2), c.weight(3), c.training, momentum, eps);
}

}  // namespace splitleak::victim::op
