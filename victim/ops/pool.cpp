#include "victim/ops/pool.h"

namespace splitleak::victim::op {

Shape WindowPool::infer(const ShapeContext& c) const {
  c.need_inputs(1), c.need_rank(4);
  c.need_at_least("kernel", kernel, 1), c.need_at_least("stride", stride, 1), c.need_at_least("pads", pads, 0);
  c.check(pads[0] == pads[2] && pads[1] == pads[3], "padding must be symmetric");
  c.check(pads[0] * 2 <= kernel[0] && pads[1] * 2 <= kernel[1], "padding must be at most half the kernel");
  const Shape& in = c.input();
  const int64_t oh = ops::pool_out_size(in[2], kernel[0], stride[0], pads[0], ceil_mode);
  const int64_t ow = ops::pool_out_size(in[3], kernel[1], stride[1], pads[1], ceil_mode);
  c.check(oh > 0 && ow > 0, "input " + shape_str(in) + " is smaller than the window");
  return {in[0], in[1], oh, ow};
}

Tensor MaxPool::run(const RunContext& c) const { return ops::max_pool2d(c.input(), options()); }

Tensor AvgPool::run(const RunContext& c) const {
  ops::Pool2dOptions o = options();
  o.count_include_pad = count_include_pad;
  return ops::avg_pool2d(c.input(), o);
}

Shape AdaptiveAvgPool::infer(const ShapeContext& c) const {
  c.need_inputs(1), c.need_rank(4);
  c.check(out_size[0] > 0 && out_size[1] > 0, "output size must be positive");
  return {c.input()[0], c.input()[1], out_size[0], out_size[1]};
}

Tensor AdaptiveAvgPool::run(const RunContext& c) const {
  return ops::adaptive_avg_pool2d(c.input(), out_size[0], out_size[1]);
}

Shape GlobalAvgPool::infer(const ShapeContext& c) const {
  c.need_inputs(1), c.need_rank(4);
  return {c.input()[0], c.input()[1], 1, 1};
}

Tensor GlobalAvgPool::run(const RunContext& c) const { return ops::global_avg_pool2d(c.input()); }

}  // namespace splitleak::victim::op
