#include "attack/statistics.h"

#include <boost/math/special_functions/beta.hpp>

#include <algorithm>
#include <cmath>
#include <string>

#include "core/error.h"
#include "core/parallel.h"
#include "core/random.h"

namespace splitleak::attack {
namespace {

// Double-centred Euclidean distance matrix of the rows of t (N, d).
std::vector<double> centred_distances(const Tensor& t) {
  const int64_t n = t.size(0), d = t.numel() / n;
  std::vector<double> a(static_cast<size_t>(n * n));
  parallel_for(n, [&](int64_t s, int64_t e) {
    for (int64_t i = s; i < e; ++i)
      for (int64_t j = 0; j < n; ++j) {
        double sum = 0;
        const float* ri = t.data() + i * d;
        const float* rj = t.data() + j * d;
        for (int64_t k = 0; k < d; ++k) {
          const double diff = static_cast<double>(ri[k]) - rj[k];
          sum += diff * diff;
        }
        a[static_cast<size_t>(i * n + j)] = std::sqrt(sum);
      }
  });
  std::vector<double> row(static_cast<size_t>(n), 0.0);
  double all = 0;
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t j = 0; j < n; ++j) row[static_cast<size_t>(i)] += a[static_cast<size_t>(i * n + j)];
    all += row[static_cast<size_t>(i)];
    row[static_cast<size_t>(i)] /= static_cast<double>(n);
  }
  all /= static_cast<double>(n * n);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < n; ++j)
      a[static_cast<size_t>(i * n + j)] += all - row[static_cast<size_t>(i)] - row[static_cast<size_t>(j)];
  return a;
}

double mean_product(const std::vector<double>& a, const std::vector<double>& b) {
  double sum = 0;
  for (size_t i = 0; i < a.size(); ++i) sum += a[i] * b[i];
  return sum / static_cast<double>(a.size());
}

}  // namespace

Interval bootstrap_mean(const std::vector<double>& values, uint64_t seed, double confidence, int resamples) {
  check(!values.empty(), "bootstrap_mean: no values");
  check(confidence > 0 && confidence < 1 && resamples >= 1, "bootstrap_mean: confidence in (0, 1), resamples >= 1");
  for (double v : values) check(std::isfinite(v), "bootstrap_mean: a value is not finite");
  const size_t n = values.size();
  Interval out;
  for (double v : values) out.mean += v;
  out.mean /= static_cast<double>(n);
  std::vector<double> means(static_cast<size_t>(resamples));
  Generator gen(seed);
  for (double& m : means) {
    double sum = 0;
    for (size_t i = 0; i < n; ++i) sum += values[gen.below(n)];
    m = sum / static_cast<double>(n);
  }
  std::sort(means.begin(), means.end());
  // Percentiles by linear interpolation between order statistics (numpy's default).
  auto percentile = [&](double q) {
    const double pos = q * static_cast<double>(means.size() - 1);
    const size_t lo = static_cast<size_t>(std::floor(pos));
    const size_t hi = std::min(lo + 1, means.size() - 1);
    return means[lo] + (pos - static_cast<double>(lo)) * (means[hi] - means[lo]);
  };
  const double tail = (1.0 - confidence) / 2.0;
  out.low = percentile(tail);
  out.high = percentile(1.0 - tail);
  return out;
}

Interval paired_bootstrap_difference(const std::vector<double>& a, const std::vector<double>& b, uint64_t seed,
                                     double confidence, int resamples) {
  check(a.size() == b.size(), "paired_bootstrap_difference: " + std::to_string(a.size()) + " against " +
                                  std::to_string(b.size()) + " values; pairs need the same images");
  std::vector<double> difference(a.size());
  for (size_t i = 0; i < a.size(); ++i) difference[i] = a[i] - b[i];
  return bootstrap_mean(difference, seed, confidence, resamples);
}

Interval clopper_pearson(int64_t successes, int64_t trials, double confidence) {
  check(trials >= 1 && successes >= 0 && successes <= trials,
        "clopper_pearson: need 0 <= successes <= trials and trials >= 1");
  check(confidence > 0 && confidence < 1, "clopper_pearson: confidence in (0, 1)");
  const double k = static_cast<double>(successes), n = static_cast<double>(trials);
  const double tail = (1.0 - confidence) / 2.0;
  Interval out;
  out.mean = k / n;
  out.low = successes == 0 ? 0.0 : boost::math::ibeta_inv(k, n - k + 1, tail);
  out.high = successes == trials ? 1.0 : boost::math::ibeta_inv(k + 1, n - k, 1.0 - tail);
  return out;
}

double distance_correlation(const Tensor& x, const Tensor& y) {
  check(x.defined() && y.defined() && x.dim() >= 1 && y.dim() >= 1 && x.size(0) == y.size(0) && x.size(0) >= 2,
        "distance_correlation: x and y need the same number (>= 2) of rows");
  const auto a = centred_distances(x), b = centred_distances(y);
  const double vxy = mean_product(a, b), vx = mean_product(a, a), vy = mean_product(b, b);
  if (vx <= 0 || vy <= 0) return 0.0;
  return std::sqrt(std::max(0.0, vxy) / std::sqrt(vx * vy));
}

}  // namespace splitleak::attack
