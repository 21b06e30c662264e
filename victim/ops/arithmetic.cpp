#include "victim/ops/arithmetic.h"

#include "core/ops/elementwise.h"

namespace splitleak::victim::op {
namespace {

// The producers' values followed by the weights.
std::vector<Tensor> operands(const RunContext& c) {
  std::vector<Tensor> all = c.inputs;
  for (const Tensor& w : c.weights()) all.push_back(w);
  return all;
}

}  // namespace

Shape Binary::infer(const ShapeContext& c) const {
  std::vector<Shape> all = c.inputs();
  for (const Shape& s : c.weight_shapes()) all.push_back(s);
  c.check(all.size() == 2, "takes exactly two operands");
  c.check(!c.inputs().empty(), "needs at least one producer");
  Shape out = ops::broadcast_shape(all[0], all[1]);
  c.check(out.size() == c.input().size() && out[0] == c.input()[0],
          "a constant operand must not add dimensions or change the batch");
  return out;
}

Tensor Add::run(const RunContext& c) const {
  const auto all = operands(c);
  return ops::add(all[0], all[1]);
}

Tensor Mul::run(const RunContext& c) const {
  const auto all = operands(c);
  return ops::mul(all[0], all[1]);
}

}  // namespace splitleak::victim::op
