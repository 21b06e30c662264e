#pragma once
// Inverted dropout: in training each element is kept with probability 1 - p and scaled by
// 1 / (1 - p); in eval it is the identity. The mask comes from the caller's seeded Generator.
#include "core/random.h"
#include "core/tensor.h"

namespace splitleak::ops {

Tensor dropout(const Tensor& x, float p, bool training, Generator& gen);
// y = x * keep_mask / (1 - p) with a given 0/1 mask of x's shape (what dropout applies).
// Gradient: dx += dy * keep_mask / (1 - p).
Tensor dropout_with_mask(const Tensor& x, const Tensor& keep_mask, float p);

}  // namespace splitleak::ops
