#pragma once
// Comparison of a result against a reference tensor, as the cross-checks state their tolerances.
#include <algorithm>
#include <cmath>

#include "core/tensor.h"

namespace splitleak::testing {

// max |got - want| / max |want| (same element count).
inline double relative_error(const Tensor& got, const Tensor& want) {
  double max_diff = 0, max_ref = 0;
  for (int64_t i = 0; i < want.numel(); ++i) {
    max_diff = std::max(max_diff, static_cast<double>(std::fabs(got.data()[i] - want.data()[i])));
    max_ref = std::max(max_ref, static_cast<double>(std::fabs(want.data()[i])));
  }
  return max_diff / std::max(max_ref, 1e-12);
}

}  // namespace splitleak::testing
