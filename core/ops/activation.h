#pragma once
// Pointwise activations. Each backward adds grad_out * f'(x) into the input gradient; at a kink
// the derivative is torch's (relu'(0) = 0, clamp passes the gradient on [lo, hi]).
#include "core/tensor.h"

namespace splitleak::ops {

Tensor relu(const Tensor& x);
Tensor clamp(const Tensor& x, float lo, float hi);  // relu6 = clamp(x, 0, 6)
inline Tensor relu6(const Tensor& x) { return clamp(x, 0.0f, 6.0f); }
Tensor leaky_relu(const Tensor& x, float negative_slope = 0.01f);
Tensor sigmoid(const Tensor& x);
Tensor tanh(const Tensor& x);
Tensor silu(const Tensor& x);
Tensor hardswish(const Tensor& x);
Tensor hardsigmoid(const Tensor& x);  // torch's: relu6(x + 3) / 6
// max(x, 0)^exponent (torch's clamp(x, min=0).pow(exponent)); the derivative is
// exponent * x^(exponent - 1) where x > 0 and 0 elsewhere, so a square root of a distance that is
// exactly 0 passes no gradient.
Tensor power(const Tensor& x, float exponent);

}  // namespace splitleak::ops
