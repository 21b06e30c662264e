#pragma once
// The OpenCL side of core/ops/pad.h. No autograd here.
#include <array>

#include "core/tensor.h"

namespace splitleak::ops::opencl_impl {

// pads: top, left, bottom, right.
Tensor pad2d(const Tensor& x, const std::array<int64_t, 4>& pads, float value);
// gx += the interior of gy.
void pad2d_backward(const Tensor& gy, const std::array<int64_t, 4>& pads, Tensor& gx);

}  // namespace splitleak::ops::opencl_impl
