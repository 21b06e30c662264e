#pragma once
// 2-D convolution and transposed convolution, torch semantics and weight layouts:
//   conv2d            x (N, Cin, H, W), weight (Cout, Cin/groups, kh, kw), bias (Cout) or undefined
//   conv_transpose2d  x (N, Cin, H, W), weight (Cin, Cout/groups, kh, kw), bias (Cout) or undefined
// Depthwise is groups == Cin. Computed as im2col + GEMM per image and group.
#include <array>

#include "core/tensor.h"

namespace splitleak::ops {

struct Conv2dOptions {
  std::array<int64_t, 2> stride{1, 1};
  std::array<int64_t, 2> padding{0, 0};
  std::array<int64_t, 2> dilation{1, 1};
  int64_t groups = 1;
};

struct ConvTranspose2dOptions {
  std::array<int64_t, 2> stride{1, 1};
  std::array<int64_t, 2> padding{0, 0};
  std::array<int64_t, 2> output_padding{0, 0};
  std::array<int64_t, 2> dilation{1, 1};
  int64_t groups = 1;
};

// Gradients: input, weight and bias gradients accumulate (+=) into their slots.
Tensor conv2d(const Tensor& x, const Tensor& weight, const Tensor& bias, const Conv2dOptions& options = {});
Tensor conv_transpose2d(const Tensor& x, const Tensor& weight, const Tensor& bias,
                        const ConvTranspose2dOptions& options = {});

// The FLOPs (2 per multiply-add) of every conv2d and conv_transpose2d called so far, on any
// device, counted as dense direct convolutions whatever path ran them (kernel taps cut away,
// Winograd, one output channel): the work a training step is judged by (bench cgan-step).
int64_t conv_flops_called();

// Output size of a convolution along one axis.
int64_t conv_out_size(int64_t in, int64_t kernel, int64_t stride, int64_t padding, int64_t dilation);

}  // namespace splitleak::ops
