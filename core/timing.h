#pragma once
// Wall-clock timing for benchmarks and latency figures.
#include <functional>

namespace splitleak {

// Median wall time in milliseconds of `iters` calls of f (0 when iters <= 0).
double median_ms(int iters, const std::function<void()>& f);

}  // namespace splitleak
