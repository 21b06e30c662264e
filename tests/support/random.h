#pragma once
// Seeded test inputs.
#include <cstdint>

#include "core/random.h"
#include "core/tensor.h"

namespace splitleak::testing {

// A tensor of `shape` drawn uniformly from [low, high) by Generator(seed).
inline Tensor uniform_tensor(const Shape& shape, uint64_t seed, float low = 0.0f, float high = 1.0f) {
  Generator gen(seed);
  Tensor t = Tensor::empty(shape);
  init::uniform_(t, low, high, gen);
  return t;
}

}  // namespace splitleak::testing
