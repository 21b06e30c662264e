#pragma once
// Deterministic seeded shuffles and splits: the same seed gives the same indices on every
// machine (core/random.h's generator, Fisher-Yates).
#include <cstdint>
#include <vector>

namespace splitleak::datasets {

std::vector<int64_t> seeded_permutation(int64_t n, uint64_t seed);

// A seeded permutation of [0, n) cut in two: `first` holds round(fraction * n) indices.
struct Split {
  std::vector<int64_t> first, second;
};
Split seeded_split(int64_t n, double first_fraction, uint64_t seed);

}  // namespace splitleak::datasets
