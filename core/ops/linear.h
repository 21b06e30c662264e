#pragma once
#include "core/tensor.h"

namespace splitleak::ops {
// y (N, out) = x (N, in) * weight^T (in, out) + bias (out); torch's layout weight (out, in).
// Gradients accumulate (+=) into the x, weight and bias slots.
Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias);
}  // namespace splitleak::ops
