#pragma once
// Resizing (N, C, H, W) to (N, C, out_h, out_w), torch's interpolate semantics. Gradients
// accumulate (+=) into the input slot.
#include "core/tensor.h"

namespace splitleak::ops {

// Nearest: source index floor(dst * in / out).
Tensor upsample_nearest(const Tensor& x, int64_t out_h, int64_t out_w);
// Bilinear: align_corners = false samples at (dst + 0.5) * in / out - 0.5 clamped at 0;
// align_corners = true at dst * (in - 1) / (out - 1).
Tensor upsample_bilinear(const Tensor& x, int64_t out_h, int64_t out_w, bool align_corners = false);

}  // namespace splitleak::ops
