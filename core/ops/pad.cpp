#include "core/ops/pad.h"

#include <algorithm>
#include <cstring>

#include "core/autograd.h"
#include "core/error.h"
#include "core/ops/device_dispatch.h"
#include "core/ops/pad_opencl.h"
#include "core/parallel.h"

namespace splitleak::ops {

Tensor pad2d(const Tensor& x, const std::array<int64_t, 4>& pads, float value) {
  check_dim(x, 4, "pad2d input");
  for (int64_t p : pads) check(p >= 0, "pad2d: padding must be >= 0");
  if (on_device("pad2d", {&x}))
    return autograd::record(opencl_impl::pad2d(x, pads, value), {x}, "pad2d",
                            [pads](const Tensor& gy, std::span<Tensor> gi) { opencl_impl::pad2d_backward(gy, pads, gi[0]); });
  const int64_t planes = x.size(0) * x.size(1), h = x.size(2), w = x.size(3);
  const int64_t oh = h + pads[0] + pads[2], ow = w + pads[1] + pads[3];
  Tensor y = Tensor::empty({x.size(0), x.size(1), oh, ow});
  const float* xd = x.data();
  float* yd = y.data();
  parallel_for(planes, [&](int64_t begin, int64_t end) {
    for (int64_t p = begin; p < end; ++p) {
      float* out = yd + p * oh * ow;
      std::fill(out, out + oh * ow, value);
      for (int64_t r = 0; r < h; ++r)
        std::memcpy(out + (r + pads[0]) * ow + pads[1], xd + (p * h + r) * w, static_cast<size_t>(w) * sizeof(float));
    }
  });
  return autograd::record(y, {x}, "pad2d", [=](const Tensor& gy, std::span<Tensor> gi) {
    const float* g = gy.data();
    float* gx = gi[0].data();
    parallel_for(planes, [&](int64_t begin, int64_t end) {
      for (int64_t p = begin; p < end; ++p)
        for (int64_t r = 0; r < h; ++r)
          for (int64_t c = 0; c < w; ++c) gx[(p * h + r) * w + c] += g[(p * oh + r + pads[0]) * ow + c + pads[1]];
    });
  });
}

}  // namespace splitleak::ops
