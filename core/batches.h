#pragma once
// Running a function over a batch in slices, for inputs too large for one pass; picking rows.
#include <cstdint>
#include <functional>
#include <vector>

#include "core/tensor.h"

namespace splitleak {

// Called after each slice with the rows done so far and the rows in all.
using RowProgress = std::function<void(int64_t rows_done, int64_t rows_total)>;

// f applied to x's slices of `batch` rows along dim 0 (the last may be shorter), its outputs
// stacked along dim 0 into a new tensor. f must give one output row per input row, all of one
// shape. batch >= 1.
Tensor map_in_batches(const Tensor& x, int64_t batch, const std::function<Tensor(const Tensor&)>& f,
                      const RowProgress& progress = {});

// A new tensor of t's rows (dim 0) `rows`, in that order (repeats allowed); each in [0, N).
Tensor gather_rows(const Tensor& t, const std::vector<int64_t>& rows);

}  // namespace splitleak
