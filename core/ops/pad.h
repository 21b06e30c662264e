#pragma once
// Constant padding of the two spatial dims of (N, C, H, W) (ONNX Pad, torch F.pad).
#include <array>

#include "core/tensor.h"

namespace splitleak::ops {

// y (N, C, H + top + bottom, W + left + right): x in the middle, `value` around it; pads are
// {top, left, bottom, right}, each >= 0. Gradient: dx += the middle of dy.
Tensor pad2d(const Tensor& x, const std::array<int64_t, 4>& pads, float value = 0.0f);

}  // namespace splitleak::ops
