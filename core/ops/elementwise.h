#pragma once
// Binary arithmetic with numpy broadcasting (shapes right-aligned, up to 4-D): bias adds,
// per-channel scales (squeeze-and-excitation), scalars. Scalar forms. In-place helpers that
// never record (for optimizers and gradient accumulation).
#include "core/tensor.h"

namespace splitleak::ops {

// Broadcast shape of a and b; throws Error naming both shapes when incompatible.
Shape broadcast_shape(const Shape& a, const Shape& b);

// out = a + b, a - b, a * b (broadcast). grad_a, grad_b are the output gradient (times the other
// operand for mul) summed over the broadcast dims.
Tensor add(const Tensor& a, const Tensor& b);
Tensor sub(const Tensor& a, const Tensor& b);
Tensor mul(const Tensor& a, const Tensor& b);
// out = x * s + t, elementwise with constants.
Tensor affine_scalar(const Tensor& x, float s, float t);
inline Tensor mul_scalar(const Tensor& x, float s) { return affine_scalar(x, s, 0.0f); }
inline Tensor add_scalar(const Tensor& x, float t) { return affine_scalar(x, 1.0f, t); }

// acc += g (same numel), no autograd.
void add_into(Tensor& acc, const Tensor& g);
// Sums g (shape broadcast from `target`) down to `target`'s shape, accumulating (+=) into acc.
void reduce_broadcast_into(Tensor& acc, const Tensor& g);

}  // namespace splitleak::ops
