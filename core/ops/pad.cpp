#include "core/ops/pad.h"

#include <algorithm>
#include <cstring>

#include "core/autograd.h"
#include "core/error.h"
#include "core/ops/device_dispatch.h"
#include "core/ops/elementwise.h"
#include "core/ops/pad_opencl.h"
#include "core/parallel.h"

namespace splitleak::ops {
namespace {

using Pads = std::array<int64_t, 4>;  // top, left, bottom, right

// Returns x (N, C, h, w) in the middle of (N, C, h + top + bottom, w + left + right), `value` around.
Tensor pad_host(const Tensor& x, const Pads& pads, float value) {
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
  return y;
}

// small (N, C, h, w) += the middle of big (N, C, h + top + bottom, w + left + right).
void add_middle_host(const Tensor& big, const Pads& pads, Tensor& small) {
  const int64_t planes = small.size(0) * small.size(1), h = small.size(2), w = small.size(3);
  const int64_t oh = big.size(2), ow = big.size(3);
  const float* g = big.data();
  float* out = small.data();
  parallel_for(planes, [&](int64_t begin, int64_t end) {
    for (int64_t p = begin; p < end; ++p)
      for (int64_t r = 0; r < h; ++r)
        for (int64_t c = 0; c < w; ++c) out[(p * h + r) * w + c] += g[(p * oh + r + pads[0]) * ow + c + pads[1]];
  });
}

}  // namespace

Tensor pad2d(const Tensor& x, const Pads& pads, float value) {
  check_dim(x, 4, "pad2d input");
  for (int64_t p : pads) check(p >= 0, "pad2d: padding must be >= 0");
  if (on_device("pad2d", {&x}))
    return autograd::record(opencl_impl::pad2d(x, pads, value), {x}, "pad2d",
                            [pads](const Tensor& gy, std::span<Tensor> gi) { opencl_impl::pad2d_backward(gy, pads, gi[0]); });
  return autograd::record(pad_host(x, pads, value), {x}, "pad2d",
                          [pads](const Tensor& gy, std::span<Tensor> gi) { add_middle_host(gy, pads, gi[0]); });
}

Tensor crop2d(const Tensor& x, const Pads& crops) {
  check_dim(x, 4, "crop2d input");
  for (int64_t c : crops) check(c >= 0, "crop2d: crops must be >= 0");
  const int64_t h = x.size(2) - crops[0] - crops[2], w = x.size(3) - crops[1] - crops[3];
  if (h < 1 || w < 1)
    throw Error("crop2d: crops {" + std::to_string(crops[0]) + ", " + std::to_string(crops[1]) + ", " +
         std::to_string(crops[2]) + ", " + std::to_string(crops[3]) + "} leave nothing of " + shape_str(x.shape()));
  Tensor y = Tensor::zeros({x.size(0), x.size(1), h, w}, x.device());
  const bool device = on_device("crop2d", {&x});
  if (device) {
    opencl_impl::pad2d_backward(x, crops, y);
  } else {
    add_middle_host(x, crops, y);
  }
  return autograd::record(y, {x}, "crop2d", [crops, device](const Tensor& gy, std::span<Tensor> gi) {
    add_into(gi[0], device ? opencl_impl::pad2d(gy, crops, 0.0f) : pad_host(gy, crops, 0.0f));
  });
}

}  // namespace splitleak::ops
