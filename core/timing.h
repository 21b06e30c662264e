#pragma once
// Wall-clock timing for benchmarks and latency figures.
#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace splitleak {

// Median wall time in milliseconds of `iters` calls of f (0 when iters <= 0).
double median_ms(int iters, const std::function<void()>& f);

// The median of `values` (the upper one of an even count; 0 when empty).
double median(std::vector<double> values);

// Seconds of wall time since t0 (steady clock).
double seconds_since(std::chrono::steady_clock::time_point t0);

// A duration for logs: "4m05s", or "2h07m" from an hour on.
std::string duration_text(double seconds);

}  // namespace splitleak
