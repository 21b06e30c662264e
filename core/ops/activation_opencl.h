#pragma once
// The OpenCL side of core/ops/activation.h: one kernel per direction, the activation chosen by
// code with up to two parameters (clamp's lo and hi, leaky relu's slope,
// power's exponent). No autograd here.
#include "core/tensor.h"

namespace splitleak::ops::opencl_impl {

enum class Activation : unsigned { relu, clamp, leaky_relu, sigmoid, tanh, silu, hardswish, hardsigmoid, power };

// y = f(x).
Tensor activation_forward(Activation f, const Tensor& x, float a = 0.0f, float b = 0.0f);
// gx += go * f'(x) (y = f(x) for the derivatives that use it).
void activation_backward(Activation f, const Tensor& x, const Tensor& y, const Tensor& go, Tensor& gx, float a = 0.0f,
                         float b = 0.0f);

}  // namespace splitleak::ops::opencl_impl
