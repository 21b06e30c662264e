#pragma once
// Constant padding of the two spatial dims of (N, C, H, W) (ONNX Pad, torch F.pad), and cropping.
#include <array>

#include "core/tensor.h"

namespace splitleak::ops {

// y (N, C, H + top + bottom, W + left + right): x in the middle, `value` around it; pads are
// {top, left, bottom, right}, each >= 0. Gradient: dx += the middle of dy.
Tensor pad2d(const Tensor& x, const std::array<int64_t, 4>& pads, float value = 0.0f);
// pad2d's inverse: y (N, C, H - top - bottom, W - left - right), the middle of x; crops are
// {top, left, bottom, right}, each >= 0, leaving at least one row and column.
// Gradient: dx += dy placed in the middle, zero around it.
Tensor crop2d(const Tensor& x, const std::array<int64_t, 4>& crops);

}  // namespace splitleak::ops
