#pragma once
// The OpenCL side of concat and narrow (core/ops/shape.h; reshape and flatten are views and need no kernel).
// No autograd here.
#include "core/tensor.h"

namespace splitleak::ops::opencl_impl {

// out[o * out_block + at + j] = x[o * block + j] for o < outer, j < block (x's block placed at
// `at` within each of out's outer blocks).
void place_blocks(const Tensor& x, Tensor& out, int64_t outer, int64_t block, int64_t out_block, int64_t at);
// g[o * block + j] += gy[o * out_block + at + j]: the gradient of place_blocks.
void gather_blocks_into(Tensor& g, const Tensor& gy, int64_t outer, int64_t block, int64_t out_block, int64_t at);
// out[o * out_block + at + j] += x[o * block + j]: place_blocks, accumulated.
void add_blocks_into(const Tensor& x, Tensor& out, int64_t outer, int64_t block, int64_t out_block, int64_t at);

}  // namespace splitleak::ops::opencl_impl
