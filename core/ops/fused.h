#pragma once
// Inference-only fusions, bit-identical to running their ops one after another, so an executor
// may use them wherever nothing reads the intermediate values. They record no autograd history:
// calling one while a gradient would be recorded (grad enabled and an input requiring it) throws.
#include "core/ops/conv.h"
#include "core/tensor.h"

namespace splitleak::ops {

struct BatchNormEval {
  Tensor weight, bias, running_mean, running_var;
  float eps = 1e-5f;
};

// relu?(batch_norm_eval(conv2d(x, w, conv_bias)) + residual?): the conv's output gets the batch
// norm's per-channel scale and shift (batch_norm_eval_coefficients), the residual (undefined:
// none) and the ReLU in place, in one pass. A residual of another shape is added as `add` does
// (broadcasting), after the batch norm's pass.
Tensor conv2d_bn_relu_eval(const Tensor& x, const Tensor& weight, const Tensor& conv_bias, const Conv2dOptions& options,
                           const BatchNormEval& bn, bool relu, const Tensor& residual = Tensor());

// relu(add(a, b)) with broadcasting (a residual block's end), the ReLU applied in place.
Tensor add_relu_eval(const Tensor& a, const Tensor& b);

}  // namespace splitleak::ops
