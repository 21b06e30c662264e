#pragma once
// Convolutions of one output channel, one group (a PatchGAN's last layer, 512 -> 1): im2col would
// copy the input kh*kw times for 2 FLOPs per copied value, and the plane-by-plane loops pay a
// tap's bookkeeping for a few products on small maps (3x3 -> 2x2). Here the input is transposed
// once to channels-last (pixel-major, channels contiguous), and every output is a sum over kernel
// taps of products along the channels: vector work whatever the map size. Every sum runs in a
// fixed order whatever the thread count.
#include <cstdint>

#include "core/ops/im2col.h"

namespace splitleak::ops::detail {

// Whether a convolution takes the few_outputs loops below: one group and one output channel. (The
// loops hold for any cout; from 2 up the GEMM's 2 * cout FLOPs per column value start to pay for
// im2col, and the op table's im2col cases have 2 to 5.)
inline bool few_outputs(int64_t groups, int64_t cout) { return groups == 1 && cout == 1; }

// y (n, cout, oh, ow) = conv(x (n, g.channels, h, w), w (cout, g.channels, kh, kw)) + beta * y,
// beta 0 or 1.
void few_outputs_forward(const float* x, const float* w, int64_t n, int64_t cout, const ConvGeometry& g, float* y,
                         float beta);
// gx (n, g.channels, h, w) += the input gradient from gy (n, cout, oh, ow).
void few_outputs_input_grad(const float* gy, const float* w, int64_t n, int64_t cout, const ConvGeometry& g,
                            float* gx);
// gw (cout, g.channels, kh, kw) += the weight gradient.
void few_outputs_weight_grad(const float* gy, const float* x, int64_t n, int64_t cout, const ConvGeometry& g,
                             float* gw);

}  // namespace splitleak::ops::detail
