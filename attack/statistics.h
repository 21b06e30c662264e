#pragma once
// Summary statistics of per-image scores: means with percentile-bootstrap confidence intervals
// (also of paired differences), exact binomial intervals for proportions, and the distance correlation between inputs and feature maps (Szekely et al. 2007; an
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

// The paired bootstrap of the mean difference a[i] - b[i] (the same images resampled for both):
// a.size() == b.size() >= 1, else Error. Equal to bootstrap_mean of the differences.
Interval paired_bootstrap_difference(const std::vector<double>& a, const std::vector<double>& b, uint64_t seed,
                                     double confidence = 0.95, int resamples = 2000);

// The proportion successes / trials with its exact (Clopper-Pearson) two-sided `confidence`
// interval: low = Beta((1-c)/2; k, n-k+1) (0 when k = 0), high = Beta((1+c)/2; k+1, n-k) (1 when
// k = n). trials >= 1 and 0 <= successes <= trials, else Error.
Interval clopper_pearson(int64_t successes, int64_t trials, double confidence = 0.95);

// Distance correlation in [0, 1] between the rows of x (N, ...) and y (N, ...), N >= 2; 0 when
// either set has no spread.
double distance_correlation(const Tensor& x, const Tensor& y);

}  // namespace splitleak::attack
