#pragma once
// Batch and instance normalisation over (N, C, ...) tensors, torch semantics.
#include <vector>

#include "core/tensor.h"

namespace splitleak::ops {

// Training: normalises with the batch statistics (biased variance) and updates running_mean and
// running_var in place (unbiased variance, new = (1 - momentum) * old + momentum * batch) when
// they are defined. Eval: normalises with the running statistics. weight (C) and bias (C) may be
// undefined (no affine). Gradients accumulate (+=) into the x, weight and bias slots; the running
// statistics are buffers, never differentiated.
Tensor batch_norm(const Tensor& x, const Tensor& weight, const Tensor& bias, Tensor running_mean, Tensor running_var,
                  bool training, float momentum = 0.1f, float eps = 1e-5f);

// The eval-mode batch norm as y = x * scale[c] + shift[c]: scale = w / sqrt(var + eps),
// shift = b - mean * scale, in float. batch_norm's eval path computes exactly this, so fused
// inference kernels (core/ops/fused.h) that use these coefficients match it bit for bit.
void batch_norm_eval_coefficients(const Tensor& weight, const Tensor& bias, const Tensor& running_mean,
                                  const Tensor& running_var, float eps, std::vector<float>& scale,
                                  std::vector<float>& shift);

// Normalises each (n, c) plane by its own statistics (torch's InstanceNorm2d without running
// statistics, in training and eval alike); weight/bias (C) optional.
Tensor instance_norm(const Tensor& x, const Tensor& weight, const Tensor& bias, float eps = 1e-5f);

}  // namespace splitleak::ops
