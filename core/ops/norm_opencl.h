#pragma once
// The OpenCL side of core/ops/norm.h. Statistics groups as on the CPU: batch norm one per channel,
// instance norm one per (n, c) plane; each group's sums run in one work group in a fixed order.
// No autograd here; defined gradient slots are accumulated into (+=).
#include "core/tensor.h"

namespace splitleak::ops::opencl_impl {

struct NormShape {
  int64_t n, c, inner;  // x viewed as (N, C, inner)
  bool per_instance;    // instance norm
  int64_t groups() const { return per_instance ? n * c : c; }
  int64_t count() const { return per_instance ? inner : n * inner; }  // values per group
};

// Per group: the mean and 1 / sqrt(var + eps) the output was normalised with.
struct NormStats {
  Tensor mean, invstd;
};

// Batch statistics (biased variance); running_mean/var (C), when defined, are updated in place
// with the unbiased variance: new = (1 - momentum) * old + momentum * batch.
Tensor norm_train(const Tensor& x, const Tensor& weight, const Tensor& bias, const NormShape& shape, float eps,
                  Tensor running_mean, Tensor running_var, float momentum, NormStats& stats);
// Batch norm with the running statistics.
Tensor norm_eval(const Tensor& x, const Tensor& weight, const Tensor& bias, const NormShape& shape, const Tensor& running_mean,
                 const Tensor& running_var, float eps, NormStats& stats);
// dx (through the batch statistics when `through_stats`), dweight, dbias as on the CPU.
void norm_backward(const Tensor& x, const Tensor& weight, const NormShape& shape, const NormStats& stats,
                   bool through_stats, const Tensor& gy, Tensor& gx, Tensor& gw, Tensor& gb);

}  // namespace splitleak::ops::opencl_impl
