#pragma once
// Inverted dropout: in training each element is kept with probability 1 - p and scaled by
// 1 / (1 - p); in eval it is the identity. The mask is a function of one number drawn from the
// caller's seeded Generator per call (the key) and the element index, so the CPU and OpenCL
// engines drop the same elements.
#include "core/random.h"
#include "core/tensor.h"

namespace splitleak::ops {

Tensor dropout(const Tensor& x, float p, bool training, Generator& gen);
// y = x * keep_mask / (1 - p) with a given 0/1 mask of x's shape (what dropout applies).
// Gradient: dx += dy * keep_mask / (1 - p).
Tensor dropout_with_mask(const Tensor& x, const Tensor& keep_mask, float p);
// mask[i] = 1 when u(key, i) >= p, else 0; u(key, i) in [0, 1) is the top 24 bits of the
// splitmix64 finaliser of key + (i + 1) * 0x9E3779B97F4A7C15. On `device`.
Tensor keep_mask(const Shape& shape, float p, uint64_t key, const Device& device = Device{});

}  // namespace splitleak::ops
