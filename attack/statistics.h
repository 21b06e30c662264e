#pragma once
// Summary statistics of per-image scores: means with percentile-bootstrap confidence intervals,
// and the distance correlation between inputs and feature maps (Szekely et al. 2007; an
// attack-free leakage screen, Vepakomma et al. 2020).
#include <cstdint>
#include <vector>

#include "core/tensor.h"

namespace splitleak::attack {

struct Interval {
  double mean = 0, low = 0, high = 0;  // [low, high]: the `confidence` percentile interval
};

// Mean of `values` and its percentile-bootstrap interval from `resamples` seeded resamples (the
// same seed gives the same interval). Non-finite values are rejected (Error).
Interval bootstrap_mean(const std::vector<double>& values, uint64_t seed, double confidence = 0.95,
                        int resamples = 2000);

// Distance correlation in [0, 1] between the rows of x (N, ...) and y (N, ...), N >= 2; 0 when
// either set has no spread.
double distance_correlation(const Tensor& x, const Tensor& y);

}  // namespace splitleak::attack
