#pragma once
// Direct depthwise convolutions, plane by plane, where im2col + GEMM degenerates: groups ==
// input channels == output channels, one 2-D kernel per channel (MobileNet/EfficientNet), whose
// GEMMs would have one row.
// Every sum runs in a fixed order whatever the thread count.
#include <cstdint>

#include "core/ops/im2col.h"

namespace splitleak::ops::detail {

// One plane through one 2-D kernel (g's channels are ignored): yp (out_h x out_w) += conv(xp
// (height x width), wp (kh x kw)).
void plane_conv_add(const float* xp, const float* wp, const ConvGeometry& g, float* yp);
// Its adjoint: gxp (height x width) += the input gradient of gyp (out_h x out_w) through wp.
void plane_conv_adjoint_add(const float* gyp, const float* wp, const ConvGeometry& g, float* gxp);
// gwp (kh x kw) += sum over n images of the products of gy's plane and x's plane under each tap;
// image k's planes at gy + k * gy_stride and x + k * x_stride. Images summed in order, in double.
void planes_weight_grad_add(const float* gy, int64_t gy_stride, const float* x, int64_t x_stride, int64_t n,
                            const ConvGeometry& g, float* gwp);

// y (n, c, oh, ow) = depthwise(x (n, c, h, w), w (c, 1, kh, kw)); assigns y. g.channels is 1.
void depthwise_forward(const float* x, const float* w, int64_t n, int64_t c, const ConvGeometry& g, float* y);
// gx += the input gradient from gy.
void depthwise_input_grad(const float* gy, const float* w, int64_t n, int64_t c, const ConvGeometry& g, float* gx);
// gw += the weight gradient (summed over images in order, per channel: deterministic).
void depthwise_weight_grad(const float* gy, const float* x, int64_t n, int64_t c, const ConvGeometry& g, float* gw);

}  // namespace splitleak::ops::detail
