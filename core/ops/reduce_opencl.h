#pragma once
// The OpenCL side of the sum-shaped reductions (core/ops/reduce.h: sum, mean) and the pointwise
// mean losses (core/ops/loss.h: l1, mse, BCE with logits). Sums run in a fixed order (a fixed
// grid of work items, each a strided run, then a tree per group, then the groups in order), so a
// device gives the same bits run to run. No autograd here.
#include "core/tensor.h"

namespace splitleak::ops::opencl_impl {

// What is summed per element: x, |x - t|, (x - t)^2, or BCE with logits x and targets t.
enum class Term : unsigned { value, abs_diff, squared_diff, bce_logits };

// A 0-d tensor on x's device: scale * sum_i term(x_i, t_i); t (same shape) is unused for value.
Tensor scaled_sum(Term term, const Tensor& x, const Tensor& t, float scale);
// g += sign * scale * gy * dterm/dx(x_i, t_i), with gy the 0-d output gradient on the device.
void scaled_sum_backward(Term term, const Tensor& x, const Tensor& t, const Tensor& gy, float scale, float sign, Tensor& g);

}  // namespace splitleak::ops::opencl_impl
