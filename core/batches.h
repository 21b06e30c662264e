#pragma once
// Running a function over a batch in slices, for inputs too large for one pass.
#include <cstdint>
#include <functional>

#include "core/tensor.h"

namespace splitleak {

// f applied to x's slices of `batch` rows along dim 0 (the last may be shorter), its outputs
// stacked along dim 0 into a new tensor. f must give one output row per input row, all of one
// shape. batch >= 1.
Tensor map_in_batches(const Tensor& x, int64_t batch, const std::function<Tensor(const Tensor&)>& f);

}  // namespace splitleak
