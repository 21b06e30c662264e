// The evaluator: scores and intervals per attacker, the worst case per cut, the safe flag at the
// threshold, and the recommendation rule (earliest safe cut with every deeper one safe).
#include <gtest/gtest.h>

#include "attack/evaluator.h"
#include "core/random.h"
#include "victim/zoo/zoo.h"

namespace splitleak::attack {
namespace {

AttackerScores with_ssim(const std::string& name, double mean, double high) {
  AttackerScores s;
  s.attacker = name;
  s.ssim_mean = {mean, mean - 0.01, high};
  return s;
}

CutVerdict cut(const std::string& name, double high) { return judge_cut(name, {with_ssim("a", high - 0.02, high)}, 0.3); }

TEST(Evaluator, WorstAttackerDecidesSafety) {
  const CutVerdict v = judge_cut("pool2", {with_ssim("inverse_net", 0.25, 0.28), with_ssim("cgan", 0.29, 0.32)}, 0.3);
  EXPECT_EQ(v.attackers[v.worst].attacker, "cgan");
  EXPECT_FALSE(v.safe);  // its upper bound 0.32 passes the threshold
  EXPECT_TRUE(judge_cut("fc1", {with_ssim("cgan", 0.2, 0.3)}, 0.3).safe);  // <= threshold is safe
}

TEST(Evaluator, RecommendsTheEarliestCutAfterWhichAllAreSafe) {
  // unsafe, safe, unsafe, safe, safe -> index 3 (a safe cut followed by an unsafe one does not count)
  const std::vector<CutVerdict> cuts{cut("c1", 0.9), cut("c2", 0.25), cut("c3", 0.5), cut("c4", 0.2), cut("c5", 0.1)};
  EXPECT_EQ(recommend_cut(cuts), std::optional<size_t>(3));
  EXPECT_EQ(recommend_cut({cut("c1", 0.2), cut("c2", 0.9)}), std::nullopt);
  EXPECT_EQ(recommend_cut({cut("c1", 0.2), cut("c2", 0.1)}), std::optional<size_t>(0));
}

TEST(Evaluator, ScoresPerfectAndNoisyReconstructions) {
  const victim::Graph lenet = victim::zoo::build("lenet5");
  Tensor x = Tensor::empty({8, 1, 28, 28});
  Generator gen(2);
  init::uniform_(x, 0, 1, gen);
  const AttackerScores perfect = score_reconstructions("copy", x, x, lenet, 1);
  EXPECT_EQ(perfect.ssim_mean.mean, 1.0);
  EXPECT_EQ(perfect.psnr_mean.mean, kPsnrCap);
  EXPECT_EQ(perfect.label_leak_mean.mean, 1.0);
  Tensor grey = Tensor::full({8, 1, 28, 28}, 0.5f);
  const AttackerScores blank = score_reconstructions("grey", grey, x, lenet, 1);
  EXPECT_LT(blank.ssim_mean.high, 0.1);
  EXPECT_LE(blank.ssim_mean.low, blank.ssim_mean.mean);
  EXPECT_EQ(blank.ssim.size(), 8u);
}

}  // namespace
}  // namespace splitleak::attack

#include "attack/threat_model.h"
#include "core/error.h"

namespace splitleak::attack {
namespace {

TEST(ThreatModel, AuxiliaryImagesPerSetting) {
  Tensor targets = Tensor::empty({3, 1, 4, 4}), pool = Tensor::empty({5, 1, 4, 4});
  for (int64_t i = 0; i < targets.numel(); ++i) targets.data()[i] = 0.1f;
  for (int64_t i = 0; i < pool.numel(); ++i) pool.data()[i] = 0.7f;
  EXPECT_EQ(auxiliary_images(AuxData::Same, targets, pool, 4, 0).to_vector(), std::vector<float>(64, 0.1f));
  EXPECT_EQ(auxiliary_images(AuxData::Disjoint, targets, pool, 4, 0).to_vector(), std::vector<float>(64, 0.7f));
  const Tensor noise = auxiliary_images(AuxData::Noise, targets, pool, 4, 9);
  EXPECT_EQ(noise.to_vector(), auxiliary_images(AuxData::Noise, targets, pool, 4, 9).to_vector());
  EXPECT_NE(noise.to_vector(), auxiliary_images(AuxData::Noise, targets, pool, 4, 10).to_vector());
  EXPECT_THROW(auxiliary_images(AuxData::Disjoint, targets, pool, 6, 0), Error);
  EXPECT_EQ(parse_aux_data("noise"), AuxData::Noise);
  EXPECT_THROW(parse_aux_data("public"), Error);
}

}  // namespace
}  // namespace splitleak::attack
