#pragma once
// The OpenCL side of core/ops/upsample.h. Source coordinates are computed in the kernels with the
// CPU's float arithmetic (no contraction), so both engines read the same taps; the backward is a
// gather (each input element sums the outputs that read it), deterministic without atomics. No
// autograd here.
#include "core/tensor.h"

namespace splitleak::ops::opencl_impl {

// scale_h, scale_w: the CPU's per-axis scales (upsample.cpp).
Tensor upsample_nearest(const Tensor& x, int64_t out_h, int64_t out_w, float scale_h, float scale_w);
void upsample_nearest_backward(const Tensor& gy, float scale_h, float scale_w, Tensor& gx);
Tensor upsample_bilinear(const Tensor& x, int64_t out_h, int64_t out_w, bool align_corners, float scale_h, float scale_w);
void upsample_bilinear_backward(const Tensor& gy, bool align_corners, float scale_h, float scale_w, Tensor& gx);

}  // namespace splitleak::ops::opencl_impl
