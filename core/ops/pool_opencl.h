#pragma once
// The OpenCL side of core/ops/pool.h, windows as on the CPU. Backward passes gather (each input
// element sums the outputs whose window holds it), deterministic without atomics. No autograd here.
#include "core/ops/pool.h"

namespace splitleak::ops::opencl_impl {

// y (N, C, oh, ow) and, per output, the flat in-plane index of its window's first maximum.
Tensor max_pool2d(const Tensor& x, const Pool2dOptions& o, int64_t oh, int64_t ow, Tensor& argmax);
void max_pool2d_backward(const Tensor& gy, const Tensor& argmax, const Pool2dOptions& o, Tensor& gx);
Tensor avg_pool2d(const Tensor& x, const Pool2dOptions& o, int64_t oh, int64_t ow);
void avg_pool2d_backward(const Tensor& gy, const Pool2dOptions& o, Tensor& gx);
Tensor adaptive_avg_pool2d(const Tensor& x, int64_t oh, int64_t ow);
void adaptive_avg_pool2d_backward(const Tensor& gy, Tensor& gx);

}  // namespace splitleak::ops::opencl_impl
