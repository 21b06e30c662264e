#pragma once
// Shape ops. reshape/flatten share storage with the input (a view) and pass the gradient back
// reshaped; concat and narrow copy.
#include <vector>

#include "core/tensor.h"

namespace splitleak::ops {

// One entry may be -1 (inferred).
Tensor reshape(const Tensor& x, Shape shape);
// Collapses dims [start_dim, end] into one: (N, C, H, W) -> (N, C*H*W) for start_dim = 1.
Tensor flatten(const Tensor& x, int64_t start_dim = 1);
// Concatenates along `dim` (default: channels); all other dims must agree. Each input's
// gradient slot accumulates (+=) its slice of the output gradient.
Tensor concat(const std::vector<Tensor>& xs, int64_t dim = 1);
// Entries [start, start + length) of x along `dim`, copied (torch.narrow's values). The input's
// gradient slot accumulates (+=) the output gradient into that slice.
Tensor narrow(const Tensor& x, int64_t dim, int64_t start, int64_t length);

}  // namespace splitleak::ops
