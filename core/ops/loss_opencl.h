#pragma once
// The OpenCL side of the losses in core/ops/loss.h that are not pointwise means (those are in
// core/ops/reduce_opencl.h). No autograd here.
#include "core/tensor.h"

namespace splitleak::ops::opencl_impl {

// -mean_i logp[i, labels[i]] for log-probabilities logp (N, C) and labels (N) of class indices
// (checked by the caller), summed in row order.
Tensor pick_mean_negative(const Tensor& logp, const Tensor& labels);
// glogp[i, labels[i]] -= gy / N.
void pick_mean_negative_backward(const Tensor& labels, const Tensor& gy, int64_t classes, Tensor& glogp);

// Total variation of x (N, C, H, W): the squared vertical and horizontal neighbour differences
// summed (in a fixed order) and divided by N.
Tensor total_variation(const Tensor& x);
// gx += 2 * gy / N * (the differences into each element).
void total_variation_backward(const Tensor& x, const Tensor& gy, Tensor& gx);

}  // namespace splitleak::ops::opencl_impl
