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

// Along dim 1 of x viewed as (outer, C, inner): softmax, or log_softmax when `log`.
Tensor softmax(const Tensor& x, int64_t outer, int64_t c, int64_t inner, bool log);
// gx += the softmax (log_softmax) backward from its output y and output gradient gy.
void softmax_backward(const Tensor& y, const Tensor& gy, int64_t outer, int64_t c, int64_t inner, bool log, Tensor& gx);

}  // namespace splitleak::ops::opencl_impl
