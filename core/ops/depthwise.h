#pragma once
// Direct depthwise convolution (groups == input channels == output channels, one 2-D kernel per
// channel; MobileNet/EfficientNet). im2col + GEMM degenerates to 1-row GEMMs there, so these
// loop over each (image, channel) plane directly.
#include <cstdint>

#include "core/ops/im2col.h"

namespace splitleak::ops::detail {

// y (n, c, oh, ow) = depthwise(x (n, c, h, w), w (c, 1, kh, kw)); assigns y. g.channels is 1.
void depthwise_forward(const float* x, const float* w, int64_t n, int64_t c, const ConvGeometry& g, float* y);
// gx += the input gradient from gy.
void depthwise_input_grad(const float* gy, const float* w, int64_t n, int64_t c, const ConvGeometry& g, float* gx);
// gw += the weight gradient (summed over images in order, per channel: deterministic).
void depthwise_weight_grad(const float* gy, const float* x, int64_t n, int64_t c, const ConvGeometry& g, float* gw);

}  // namespace splitleak::ops::detail
