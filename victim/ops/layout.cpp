#include "victim/ops/layout.h"

#include <cmath>

#include "core/ops/pad.h"
#include "core/ops/shape.h"

namespace splitleak::victim::op {

Shape Concat::infer(const ShapeContext& c) const {
  c.check(!c.inputs().empty(), "needs inputs");
  Shape out = c.input(0);
  for (size_t i = 1; i < c.inputs().size(); ++i) {
    const Shape& in = c.input(i);
    c.check(in.size() == out.size(), "inputs differ in rank");
    for (size_t d = 0; d < out.size(); ++d)
      c.check(d == 1 || in[d] == out[d], "input " + shape_str(in) + " does not match " + shape_str(c.input(0)) +
                                             " outside the channel dimension");
    out[1] += in[1];
  }
  return out;
}

Tensor Concat::run(const RunContext& c) const { return ops::concat(c.inputs, 1); }

Shape Flatten::infer(const ShapeContext& c) const {
  c.need_inputs(1);
  return {c.input()[0], shape_numel(c.input()) / c.input()[0]};
}

Tensor Flatten::run(const RunContext& c) const { return ops::flatten(c.input(), 1); }

Shape Reshape::infer(const ShapeContext& c) const {
  c.need_inputs(1);
  const Shape& in = c.input();
  Shape out{in[0]};
  int64_t known = 1, infer_at = -1;
  for (size_t i = 0; i < shape.size(); ++i) {
    int64_t d = shape[i];
    if (d == 0) {
      c.check(i + 1 < in.size(), "0 copies a dimension the input does not have");
      d = in[i + 1];
    }
    if (d == -1) {
      c.check(infer_at < 0, "at most one -1");
      infer_at = static_cast<int64_t>(out.size());
    } else {
      c.check(d > 0, "bad target dimension " + std::to_string(d));
      known *= d;
    }
    out.push_back(d);
  }
  const int64_t per_item = shape_numel(in) / in[0];
  if (infer_at >= 0) {
    c.check(per_item % known == 0, "cannot reshape " + shape_str(in));
    out[infer_at] = per_item / known;
  }
  c.check(shape_numel(out) == shape_numel(in), "cannot reshape " + shape_str(in) + " to " + shape_str(out));
  return out;
}

Tensor Reshape::run(const RunContext& c) const {
  const Tensor& x = c.input();
  Shape target{x.size(0)};
  for (size_t i = 0; i < shape.size(); ++i) target.push_back(shape[i] == 0 ? x.size(i + 1) : shape[i]);
  return ops::reshape(x, target);
}

Shape Pad::infer(const ShapeContext& c) const {
  c.need_inputs(1), c.need_rank(4);
  c.need_at_least("pads", pads, 0);
  c.check(!std::isnan(value), "value must be a number");
  const Shape& in = c.input();
  return {in[0], in[1], in[2] + pads[0] + pads[2], in[3] + pads[1] + pads[3]};
}

Tensor Pad::run(const RunContext& c) const { return ops::pad2d(c.input(), pads, value); }

}  // namespace splitleak::victim::op
