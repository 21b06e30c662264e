#pragma once
// Pooling over (N, C, H, W), torch semantics (ceil_mode, count_include_pad, padding as -inf for
// max). Gradients accumulate (+=) into the input slot.
#include <array>

#include "core/tensor.h"

namespace splitleak::ops {

struct Pool2dOptions {
  std::array<int64_t, 2> kernel{2, 2};
  std::array<int64_t, 2> stride{2, 2};
  std::array<int64_t, 2> padding{0, 0};
  bool ceil_mode = false;
  bool count_include_pad = true;  // avg_pool2d only
};

// Max pool; the gradient goes to the first maximum of each window (torch's tie rule).
Tensor max_pool2d(const Tensor& x, const Pool2dOptions& options);
Tensor avg_pool2d(const Tensor& x, const Pool2dOptions& options);
// torch's adaptive_avg_pool2d: window i spans [floor(i*H/out), ceil((i+1)*H/out)).
Tensor adaptive_avg_pool2d(const Tensor& x, int64_t out_h, int64_t out_w);
inline Tensor global_avg_pool2d(const Tensor& x) { return adaptive_avg_pool2d(x, 1, 1); }

// Output size of a pooling window along one axis (torch's rule, ceil_mode included).
int64_t pool_out_size(int64_t in, int64_t kernel, int64_t stride, int64_t padding, bool ceil_mode);

}  // namespace splitleak::ops
