#include "datasets/split.h"

#include <cmath>
#include <numeric>

#include "core/error.h"
#include "core/random.h"

namespace splitleak::datasets {

std::vector<int64_t> seeded_permutation(int64_t n, uint64_t seed) {
  check(n >= 0, "permutation of a negative count");
  std::vector<int64_t> p(static_cast<size_t>(n));
  std::iota(p.begin(), p.end(), 0);
  Generator gen(seed);
  for (int64_t i = n - 1; i > 0; --i) std::swap(p[static_cast<size_t>(i)], p[gen.below(static_cast<uint64_t>(i + 1))]);
  return p;
}

Split seeded_split(int64_t n, double first_fraction, uint64_t seed) {
  check(first_fraction >= 0.0 && first_fraction <= 1.0,
        "split fraction must be in [0, 1], got " + std::to_string(first_fraction));
  std::vector<int64_t> p = seeded_permutation(n, seed);
  const auto cut = static_cast<std::ptrdiff_t>(std::llround(first_fraction * static_cast<double>(n)));
  return {{p.begin(), p.begin() + cut}, {p.begin() + cut, p.end()}};
}

}  // namespace splitleak::datasets
