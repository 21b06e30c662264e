// SSIM, PSNR and MSE against scikit-image (tests/reference/skimage_metrics.py) within 1e-4 on
// grey and colour pairs from 11x11 to 256x256; distance correlation against a NumPy version;
// the bootstrap interval's contract.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <string>

#include "attack/metrics.h"
#include "attack/statistics.h"
#include "core/error.h"
#include "core/ops.h"
#include "core/random.h"
#include "core/hdf5_io.h"
#include "tests/core/reference_paths.h"

namespace splitleak::attack {
namespace {

std::map<std::string, Tensor> reference() { return testing::reference_tensors("skimage_metrics.h5"); }

TEST(Metrics, MatchScikitImage) {
  const auto ref = reference();
  int pairs = 0;
  double worst_ssim = 0;
  for (const auto& [name, t] : ref) {
    if (name.rfind("pairs/", 0) != 0 || name.substr(name.size() - 2) != "/a") continue;
    const std::string base = name.substr(0, name.size() - 1);
    const Tensor& a = t;
    const Tensor& b = ref.at(base + "b");
    const std::string what = base + " " + shape_str(a.shape());
    EXPECT_NEAR(ssim(a, b), ref.at(base + "ssim").item(), 1e-4) << what;
    worst_ssim = std::max(worst_ssim, std::fabs(ssim(a, b) - ref.at(base + "ssim").item()));
    EXPECT_NEAR(mse(a, b), ref.at(base + "mse").item(), 1e-4 * std::max(1.0f, ref.at(base + "mse").item())) << what;
    const double want_psnr = ref.at(base + "psnr").item();
    if (std::isinf(want_psnr)) {
      EXPECT_TRUE(std::isinf(psnr(a, b))) << what;
    } else {
      EXPECT_NEAR(psnr(a, b), want_psnr, 1e-4 * std::max(1.0, std::fabs(want_psnr))) << what;
    }
    ++pairs;
  }
  EXPECT_EQ(pairs, 54);
  std::printf("largest SSIM difference from scikit-image over %d pairs: %.2e\n", pairs, worst_ssim);
}

TEST(Metrics, BatchesScoreEachImage) {
  const auto ref = reference();
  const Tensor a = ref.at("pairs/007/a"), b = ref.at("pairs/007/b");  // 1x12x17, noisy
  Tensor batch_a = Tensor::empty({2, 1, 12, 17}), batch_b = Tensor::empty({2, 1, 12, 17});
  batch_a.slice(0, 1).copy_from(a), batch_a.slice(1, 2).copy_from(a);
  batch_b.slice(0, 1).copy_from(b), batch_b.slice(1, 2).copy_from(a);
  const auto s = ssim_per_image(batch_a, batch_b);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0], ssim(a, b));
  EXPECT_NEAR(s[1], 1.0, 1e-12);  // identical images; the double sums need not cancel exactly
  EXPECT_TRUE(std::isinf(psnr_per_image(batch_a, batch_b)[1]));
}

TEST(Metrics, TooSmallOrMismatchedImagesAreClearErrors) {
  try {
    ssim(Tensor::zeros({1, 10, 20}), Tensor::zeros({1, 10, 20}));
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("at least 11x11"), std::string::npos) << e.what();
  }
  EXPECT_THROW(ssim_per_image(Tensor::zeros({2, 1, 8, 8}), Tensor::zeros({2, 1, 8, 8})), Error);
  EXPECT_THROW(ssim(Tensor::zeros({1, 12, 12}), Tensor::zeros({3, 12, 12})), Error);
  EXPECT_THROW(mse(Tensor::zeros({1, 12, 12}), Tensor::zeros({1, 12, 13})), Error);
}

TEST(Statistics, DistanceCorrelationMatchesNumPy) {
  const auto ref = reference();
  for (int i = 0; i < 3; ++i) {
    const std::string base = "dcor/" + std::to_string(i) + "/";
    EXPECT_NEAR(distance_correlation(ref.at(base + "x"), ref.at(base + "y")), ref.at(base + "value").item(), 1e-5)
        << base;
  }
  EXPECT_EQ(distance_correlation(Tensor::ones({5, 3}), Tensor::zeros({5, 2})), 0.0);
  EXPECT_THROW(distance_correlation(Tensor::ones({5, 3}), Tensor::ones({4, 3})), Error);
}

// NoPeek's differentiable loss (ops::distance_correlation, float, through the Gram matrix) is the
// metric's value (double, direct differences), on features of a realistic width and on a
// dependent pair (z a function of x), where the value is far from 0.
TEST(Statistics, DistanceCorrelationLossIsTheMetric) {
  Generator gen(5);
  Tensor x = Tensor::empty({16, 3, 8, 8});
  init::uniform_(x, 0.0f, 1.0f, gen);
  Tensor noise = Tensor::empty({16, 40});
  init::uniform_(noise, -1.0f, 1.0f, gen);
  const Tensor dependent = ops::tanh(ops::reshape(x, {16, 192}));
  for (const Tensor& z : {noise, dependent}) {
    const double metric = distance_correlation(x, z);
    EXPECT_NEAR(ops::distance_correlation(x, z).item(), metric, 2e-4);
  }
  EXPECT_GT(distance_correlation(x, dependent), 0.9);
  EXPECT_NEAR(ops::distance_correlation(Tensor::ones({16, 3}), noise).item(), 0.0, 1e-6);
  EXPECT_THROW(ops::distance_correlation(Tensor::ones({1, 3}), Tensor::ones({1, 3})), Error);
}

TEST(Statistics, BootstrapIntervalContainsTheMeanAndIsSeeded) {
  std::vector<double> values;
  for (int i = 0; i < 200; ++i) values.push_back(0.5 + 0.3 * std::sin(i * 1.7));
  const Interval a = bootstrap_mean(values, 3), b = bootstrap_mean(values, 3), c = bootstrap_mean(values, 4);
  EXPECT_LT(a.low, a.mean);
  EXPECT_GT(a.high, a.mean);
  EXPECT_EQ(a.low, b.low);
  EXPECT_EQ(a.high, b.high);
  EXPECT_NE(a.low, c.low);
  // About mean +- 1.96 sd / sqrt(n).
  double sd = 0;
  for (double v : values) sd += (v - a.mean) * (v - a.mean);
  sd = std::sqrt(sd / (values.size() - 1)) / std::sqrt(static_cast<double>(values.size()));
  EXPECT_NEAR(a.high - a.low, 2 * 1.96 * sd, 0.25 * 2 * 1.96 * sd);
  const Interval one = bootstrap_mean({0.7}, 1);
  EXPECT_EQ(one.low, 0.7);
  EXPECT_EQ(one.high, 0.7);
  EXPECT_THROW(bootstrap_mean({1.0, INFINITY}, 1), Error);
  EXPECT_THROW(bootstrap_mean({}, 1), Error);
}

}  // namespace
}  // namespace splitleak::attack
