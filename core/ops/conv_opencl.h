#pragma once
// The OpenCL side of core/ops/conv.h: im2col + CLBlast GEMM per image and group, col2im as a
// gather (each image element sums its patches in a fixed order, no atomics). Shapes are checked
// by the callers (conv2d.cpp, conv_transpose2d.cpp); `geom` is their per-group ConvGeometry. No
// autograd here; every gradient slot that is defined is accumulated into (+=).
#include "core/ops/im2col.h"
#include "core/tensor.h"

namespace splitleak::ops::opencl_impl {

// conv2d: x (N, groups * geom.channels, H, W), weight (groups * cout_g, geom.channels, kh, kw),
// bias (Cout) or undefined; y (N, Cout, out_h, out_w).
Tensor conv2d(const Tensor& x, const Tensor& weight, const Tensor& bias, const ConvGeometry& geom, int64_t groups);
void conv2d_backward(const Tensor& x, const Tensor& weight, const Tensor& gy, const ConvGeometry& geom, int64_t groups,
                     Tensor& gx, Tensor& gw, Tensor& gb);

// conv_transpose2d: x (N, Cin, h, w) with h, w = geom.out_h, geom.out_w; weight (Cin,
// geom.channels, kh, kw); y (N, groups * geom.channels, geom.height, geom.width). `geom` is the
// convolution whose input gradient this is.
Tensor conv_transpose2d(const Tensor& x, const Tensor& weight, const Tensor& bias, const ConvGeometry& geom,
                        int64_t groups);
void conv_transpose2d_backward(const Tensor& x, const Tensor& weight, const Tensor& gy, const ConvGeometry& geom,
                               int64_t groups, Tensor& gx, Tensor& gw, Tensor& gb);

}  // namespace splitleak::ops::opencl_impl
