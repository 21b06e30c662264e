// The verdict's statistics against NumPy and SciPy on the same numbers
// (tests/reference/statistics_reference.py): the paired bootstrap of a mean difference and the
// Clopper-Pearson interval of a proportion.
#include <gtest/gtest.h>

#include <cstdio>
#include <map>

#include "attack/statistics.h"
#include "core/error.h"
#include "core/hdf5_io.h"
#include "tests/core/reference_paths.h"

namespace splitleak::attack {
namespace {

std::map<std::string, Tensor> reference() { return testing::reference_tensors("statistics.h5"); }

std::vector<double> doubles(const Tensor& t) {
  const auto v = t.to_vector();
  return {v.begin(), v.end()};
}

TEST(Statistics, PairedBootstrapMatchesNumpy) {
  const auto ref = reference();
  const std::vector<double> a = doubles(ref.at("paired/a")), b = doubles(ref.at("paired/b"));
  const std::vector<double> numpy = doubles(ref.at("paired/interval")), unpaired = doubles(ref.at("unpaired/interval"));
  const Interval ours = paired_bootstrap_difference(a, b, 11, 0.95, 200000);
  std::printf("paired bootstrap: ours %.5f [%.5f, %.5f], numpy %.5f [%.5f, %.5f], unpaired numpy [%.5f, %.5f]\n",
              ours.mean, ours.low, ours.high, numpy[0], numpy[1], numpy[2], unpaired[1], unpaired[2]);
  EXPECT_NEAR(ours.mean, numpy[0], 1e-6);
  // Monte Carlo error of a 2.5% percentile over 200,000 resamples is ~1e-5 here.
  EXPECT_NEAR(ours.low, numpy[1], 2e-4);
  EXPECT_NEAR(ours.high, numpy[2], 2e-4);
  // Pairing matters: resampling a and b independently would give an interval ten times wider.
  EXPECT_LT(ours.high - ours.low, 0.2 * (unpaired[2] - unpaired[1]));
  // The default resample count stays close.
  const Interval quick = paired_bootstrap_difference(a, b, 11);
  EXPECT_NEAR(quick.low, numpy[1], 1e-3);
  EXPECT_NEAR(quick.high, numpy[2], 1e-3);
}

TEST(Statistics, PairedBootstrapNeedsPairs) {
  EXPECT_THROW(paired_bootstrap_difference({0.1, 0.2}, {0.1}, 1), Error);
  EXPECT_THROW(paired_bootstrap_difference({}, {}, 1), Error);
  const Interval same = paired_bootstrap_difference({0.3, 0.5, 0.9}, {0.3, 0.5, 0.9}, 1);
  EXPECT_EQ(same.low, 0.0);
  EXPECT_EQ(same.high, 0.0);
}

TEST(Statistics, ClopperPearsonMatchesScipy) {
  const auto ref = reference();
  const auto cases = ref.at("cp/cases").to_vector(), intervals = ref.at("cp/intervals").to_vector();
  const size_t n = cases.size() / 3;
  ASSERT_GT(n, 5u);
  for (size_t i = 0; i < n; ++i) {
    const auto k = static_cast<int64_t>(cases[3 * i]), trials = static_cast<int64_t>(cases[3 * i + 1]);
    const double confidence = static_cast<double>(cases[3 * i + 2]);
    const Interval ci = clopper_pearson(k, trials, confidence);
    EXPECT_NEAR(ci.low, intervals[2 * i], 1e-6) << k << "/" << trials;
    EXPECT_NEAR(ci.high, intervals[2 * i + 1], 1e-6) << k << "/" << trials;
    EXPECT_DOUBLE_EQ(ci.mean, static_cast<double>(k) / static_cast<double>(trials));
  }
  EXPECT_THROW(clopper_pearson(3, 2), Error);
  EXPECT_THROW(clopper_pearson(0, 0), Error);
  EXPECT_THROW(clopper_pearson(-1, 5), Error);
}

}  // namespace
}  // namespace splitleak::attack
