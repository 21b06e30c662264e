#pragma once
// The OpenCL side of core/ops/elementwise.h (same contracts; tensors on one OpenCL device). No
// autograd here: elementwise.cpp records.
#include "core/tensor.h"

namespace splitleak::ops::opencl_impl {

enum class Binary : unsigned { add = 0, sub = 1, mul = 2 };

// out = a (op) b with numpy broadcasting up to 4-D; `out_shape` is the broadcast shape.
Tensor broadcast_binary(const Tensor& a, const Tensor& b, const Shape& out_shape, Binary op);
// out = x * s + t.
Tensor affine_scalar(const Tensor& x, float s, float t);
// acc += s * g (same numel).
void add_scaled_into(Tensor& acc, const Tensor& g, float s);
// acc += g summed over the dims where acc broadcasts to g's shape; each element of acc sums its
// slice of g in a fixed order.
void reduce_broadcast_into(Tensor& acc, const Tensor& g);

}  // namespace splitleak::ops::opencl_impl
