#include "victim/ops/input.h"

#include <cmath>

#include "core/ops/elementwise.h"
#include "victim/graph.h"

namespace splitleak::victim::op {

Shape Input::infer(const ShapeContext& c) const {
  const Shape& shape = c.node().shape;
  c.check(shape.size() >= 2 && shape[0] == 1, "input shape must be (1, C, ...)");
  return shape;
}

Shape Normalize::infer(const ShapeContext& c) const {
  c.need_inputs(1);
  c.check(c.input().size() >= 2 && mean.size() == static_cast<size_t>(c.input()[1]) && std.size() == mean.size(),
          "needs one mean and one std per channel");
  for (float m : mean) c.need_finite("mean", m);
  for (float s : std) c.check(std::isfinite(s) && s != 0.0f, "std must be finite and non-zero, got " + std::to_string(s));
  return c.input();
}

namespace {

// (1, C, 1, ...) constant of rank `rank` on `device`.
Tensor channel_constant(const std::vector<float>& values, size_t rank, const Device& device) {
  Shape shape(rank, 1);
  shape[1] = static_cast<int64_t>(values.size());
  return Tensor::from_vector(shape, values).to(device);
}

}  // namespace

// As y = x * scale + shift with scale = 1/std, shift = -mean/std.
Tensor Normalize::run(const RunContext& c) const {
  std::vector<float> scale(mean.size()), shift(mean.size());
  for (size_t ch = 0; ch < mean.size(); ++ch) scale[ch] = 1.0f / std[ch], shift[ch] = -mean[ch] / std[ch];
  const Tensor& x = c.input();
  const size_t rank = x.shape().size();
  return ops::add(ops::mul(x, channel_constant(scale, rank, x.device())), channel_constant(shift, rank, x.device()));
}

}  // namespace splitleak::victim::op
