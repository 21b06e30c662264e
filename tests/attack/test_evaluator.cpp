// Scoring reconstructions: per-image metrics, intervals, label leakage and the tail share.
#include <gtest/gtest.h>

#include "attack/evaluator.h"
#include "core/random.h"
#include "victim/zoo/zoo.h"

namespace splitleak::attack {
namespace {

TEST(Evaluator, ScoresPerfectAndNoisyReconstructions) {
  const victim::Graph lenet = victim::zoo::build("lenet5");
  Tensor x = Tensor::empty({8, 1, 28, 28});
  Generator gen(2);
  init::uniform_(x, 0, 1, gen);
  const AttackerScores perfect = score_reconstructions("copy", x, x, lenet, 1);
  EXPECT_EQ(perfect.ssim_mean.mean, 1.0);
  EXPECT_EQ(perfect.psnr_mean.mean, kPsnrCap);
  EXPECT_EQ(perfect.label_leak_mean.mean, 1.0);
  EXPECT_EQ(perfect.tail.mean, 1.0);  // every image above SSIM 0.5
  Tensor grey = Tensor::full({8, 1, 28, 28}, 0.5f);
  const AttackerScores blank = score_reconstructions("grey", grey, x, lenet, 1);
  EXPECT_LT(blank.ssim_mean.high, 0.1);
  EXPECT_LE(blank.ssim_mean.low, blank.ssim_mean.mean);
  EXPECT_EQ(blank.ssim.size(), 8u);
  EXPECT_EQ(blank.tail.mean, 0.0);
  EXPECT_EQ(blank.tail.low, 0.0);
  EXPECT_GT(blank.tail.high, 0.0);  // 0 of 8 still allows up to ~37%
}

TEST(Evaluator, TailCountsImagesStrictlyAboveTheLevel) {
  AttackerScores s;
  s.ssim = {0.2, 0.5, 0.51, 0.9};
  s.psnr = s.mse = s.label_leak = {0, 0, 0, 0};
  summarise(s, 3, 0.95, 0.5);
  EXPECT_EQ(s.tail.mean, 0.5);  // 0.51 and 0.9; 0.5 itself is not above
  EXPECT_EQ(s.tail_ssim, 0.5);
  summarise(s, 3, 0.95, 0.1);
  EXPECT_EQ(s.tail.mean, 1.0);
  EXPECT_EQ(s.tail.high, 1.0);
}

TEST(Evaluator, Top1ClassesAreTheVictimsArgmax) {
  const victim::Graph lenet = victim::zoo::build("lenet5");
  Tensor x = Tensor::empty({5, 1, 28, 28});
  Generator gen(4);
  init::uniform_(x, 0, 1, gen);
  const auto classes = top1_classes(lenet, x);
  ASSERT_EQ(classes.size(), 5u);
  for (int64_t k : classes) EXPECT_TRUE(k >= 0 && k < 10);
  EXPECT_EQ(classes, top1_classes(lenet, x));
}

}  // namespace
}  // namespace splitleak::attack
