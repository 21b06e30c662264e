#include "victim/ops/conv.h"

namespace splitleak::victim::op {

Shape Conv::infer(const ShapeContext& c) const {
  c.need_inputs(1), c.need_rank(4);
  c.need_at_least("stride", stride, 1), c.need_at_least("dilation", dilation, 1), c.need_at_least("pads", pads, 0);
  c.need_at_least("groups", std::array<int64_t, 1>{groups}, 1);
  c.check(pads[0] == pads[2] && pads[1] == pads[3], "padding must be symmetric");
  const Shape& in = c.input();
  const Tensor& w = c.weight(0, -1, "weight");
  c.check(w.dim() == 4 && groups > 0 && in[1] % groups == 0 && w.size(0) % groups == 0 && w.size(1) * groups == in[1],
          "weight " + shape_str(w.shape()) + " does not fit input " + shape_str(in) + " with groups " +
              std::to_string(groups));
  if (c.has_weight(1)) c.weight(1, w.size(0), "bias");
  const int64_t oh = ops::conv_out_size(in[2], w.size(2), stride[0], pads[0], dilation[0]);
  const int64_t ow = ops::conv_out_size(in[3], w.size(3), stride[1], pads[1], dilation[1]);
  c.check(oh > 0 && ow > 0, "input " + shape_str(in) + " is smaller than the kernel");
  return {in[0], w.size(0), oh, ow};
}

// A multiply and an add per weight tap per output element.
int64_t Conv::flops(const ShapeContext& c) const {
  const Tensor& w = c.weight(0, -1, "weight");
  return 2 * shape_numel(c.output()) * w.size(1) * w.size(2) * w.size(3);
}

Tensor Conv::run(const RunContext& c) const {
  return ops::conv2d(c.input(), c.weight(0), c.optional_weight(1), options());
}

}  // namespace splitleak::victim::op
