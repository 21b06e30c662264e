#pragma once
// The OpenCL side of core/ops/dropout.h. No autograd here.
#include <cstdint>

#include "core/tensor.h"

namespace splitleak::ops::opencl_impl {

// The 0/1 keep mask of `shape` on `device` for stream key `key` (core/ops/dropout.h: keep_mask).
Tensor keep_mask(const Shape& shape, float p, uint64_t key, const Device& device);
// y = x * mask * scale.
Tensor masked_scale(const Tensor& x, const Tensor& mask, float scale);
// g += gy * mask * scale.
void masked_scale_backward(const Tensor& gy, const Tensor& mask, float scale, Tensor& g);

}  // namespace splitleak::ops::opencl_impl
