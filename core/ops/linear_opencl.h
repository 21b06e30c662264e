#pragma once
// The OpenCL side of core/ops/linear.h through CLBlast GEMM (core/opencl/blas.h). No autograd here.
#include "core/tensor.h"

namespace splitleak::ops::opencl_impl {

// y (N, out) = x (N, in) * weight (out, in)^T + bias (out, or undefined).
Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias);
// gx += gy * W, gW += gy^T * x, gb += column sums of gy; undefined slots are skipped.
void linear_backward(const Tensor& x, const Tensor& weight, const Tensor& gy, Tensor& gx, Tensor& gw, Tensor& gb);

}  // namespace splitleak::ops::opencl_impl
