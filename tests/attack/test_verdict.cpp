// The decision rules on hand-built per-image scores: the worst case is the highest upper bound
// (not the highest mean), ties, one attacker, bounds exactly at the limit, the paired excess over
// the output floor, the tail, convergence (inconclusive, never safe), baselines that never count,
// and the recommendation under each rule.
#include <gtest/gtest.h>

#include "attack/verdict.h"
#include "core/error.h"

namespace splitleak::attack {
namespace {

// An attacker with the given per-image SSIM, summarised (intervals from the values).
AttackerScores scored(const std::string& name, std::vector<double> ssim) {
  AttackerScores s;
  s.attacker = name;
  s.ssim = std::move(ssim);
  s.psnr = s.mse = s.label_leak = std::vector<double>(s.ssim.size(), 0.0);
  summarise(s, 1, 0.95, 0.5);
  return s;
}

// An attacker whose mean-SSIM interval is set by hand (per-image values all equal to the mean).
AttackerScores with_interval(const std::string& name, double mean, double high, size_t images = 4) {
  AttackerScores s = scored(name, std::vector<double>(images, mean));
  s.ssim_mean = {mean, mean - 0.01, high};
  return s;
}

AttackerScores floor_of(double value, size_t images = 4) { return scored("floor", std::vector<double>(images, value)); }

PrivacyRules rules(Rule rule = Rule::Absolute) {
  PrivacyRules r;
  r.rule = rule;
  return r;
}

TEST(Verdict, WorstIsTheHighestUpperBoundNotTheHighestMean) {
  // cgan has the higher mean and stays within 0.3; inverse_net's wider interval crosses it.
  const CutVerdict v = judge_cut("pool2", {with_interval("cgan", 0.29, 0.30), with_interval("inverse_net", 0.25, 0.35)}, {},
                                 floor_of(0.0), rules(), 1);
  EXPECT_EQ(v.attackers[v.absolute.worst].attacker, "inverse_net");
  EXPECT_EQ(v.absolute.bound, 0.35);
  EXPECT_EQ(v.absolute.status, Status::Unsafe);
  EXPECT_FALSE(v.safe);
  EXPECT_NE(v.absolute.reason.find("inverse_net"), std::string::npos) << v.absolute.reason;
}

TEST(Verdict, TiesGoToTheHigherMeanThenTheFirst) {
  const CutVerdict by_mean = judge_cut("c", {with_interval("a", 0.20, 0.28), with_interval("b", 0.22, 0.28)}, {},
                                       floor_of(0.0), rules(), 1);
  EXPECT_EQ(by_mean.absolute.worst, 1u);
  const CutVerdict first = judge_cut("c", {with_interval("a", 0.22, 0.28), with_interval("b", 0.22, 0.28)}, {},
                                     floor_of(0.0), rules(), 1);
  EXPECT_EQ(first.absolute.worst, 0u);
}

TEST(Verdict, OneAttackerAndABoundExactlyAtTheThreshold) {
  const CutVerdict at = judge_cut("fc1", {with_interval("cgan", 0.25, 0.3)}, {}, floor_of(0.0), rules(), 1);
  EXPECT_EQ(at.absolute.status, Status::Safe);  // <= threshold is safe
  EXPECT_TRUE(at.safe);
  const CutVerdict above = judge_cut("fc1", {with_interval("cgan", 0.25, 0.3000001)}, {}, floor_of(0.0), rules(), 1);
  EXPECT_EQ(above.absolute.status, Status::Unsafe);
  EXPECT_THROW(judge_cut("fc1", {}, {}, floor_of(0.0), rules(), 1), Error);
}

TEST(Verdict, BeyondOutputJudgesThePairedExcessOverTheFloor) {
  // Every image 0.0625 above the floor (exact in binary): the paired interval is [0.0625, 0.0625].
  const std::vector<double> floor_ssim{0.5, 0.25, 0.75, 0.375};
  std::vector<double> cut_ssim;
  for (double f : floor_ssim) cut_ssim.push_back(f + 0.0625);
  PrivacyRules r = rules(Rule::BeyondOutput);
  r.margin = 0.0625;
  const CutVerdict v = judge_cut("fc3", {scored("cgan", cut_ssim)}, {}, scored("floor", floor_ssim), r, 1);
  EXPECT_EQ(v.attackers[0].beyond_floor.low, 0.0625);
  EXPECT_EQ(v.attackers[0].beyond_floor.high, 0.0625);
  EXPECT_EQ(v.beyond_output.status, Status::Safe);      // exactly at the margin
  EXPECT_EQ(v.absolute.status, Status::Unsafe);         // its mean SSIM 0.53 is far above 0.3
  EXPECT_TRUE(v.safe);                                  // beyond_output decides
  r.margin = 0.0624;
  EXPECT_EQ(judge_cut("fc3", {scored("cgan", cut_ssim)}, {}, scored("floor", floor_ssim), r, 1).beyond_output.status,
            Status::Unsafe);
  // The floor must score the same images.
  EXPECT_THROW(judge_cut("fc3", {scored("cgan", cut_ssim)}, {}, floor_of(0.5, 3), r, 1), Error);
}

TEST(Verdict, BeyondOutputWorstIsTheHighestExcessBound) {
  // a is closer to the floor on average but varies; b is a steady 0.03 above it.
  const std::vector<double> floor_ssim{0.4, 0.4, 0.4, 0.4, 0.4, 0.4};
  const CutVerdict v = judge_cut("c",
                                 {scored("b", {0.43, 0.43, 0.43, 0.43, 0.43, 0.43}),
                                  scored("a", {0.30, 0.50, 0.30, 0.50, 0.30, 0.52})},
                                 {}, scored("floor", floor_ssim), rules(Rule::BeyondOutput), 1);
  EXPECT_LT(v.attackers[1].beyond_floor.mean, v.attackers[0].beyond_floor.mean);
  EXPECT_GT(v.attackers[1].beyond_floor.high, v.attackers[0].beyond_floor.high);
  EXPECT_EQ(v.beyond_output.worst, 1u);
  EXPECT_EQ(v.beyond_output.status, Status::Unsafe);  // a's upper bound passes 0.05
}

TEST(Verdict, TheTailCanFailACutWhoseMeanPasses) {
  // 2 of 20 images reconstructed at 0.9: the mean stays low, the tail does not.
  std::vector<double> ssim(20, 0.1);
  ssim[3] = ssim[11] = 0.9;
  PrivacyRules r = rules();
  const CutVerdict mean_only = judge_cut("c", {scored("cgan", ssim)}, {}, floor_of(0.0, 20), r, 1);
  EXPECT_EQ(mean_only.absolute.status, Status::Safe);
  EXPECT_NEAR(mean_only.attackers[0].tail.mean, 0.1, 1e-12);
  r.max_tail_fraction = 0.05;
  const CutVerdict with_tail = judge_cut("c", {scored("cgan", ssim)}, {}, floor_of(0.0, 20), r, 1);
  EXPECT_EQ(with_tail.absolute.status, Status::Unsafe);
  EXPECT_EQ(with_tail.beyond_output.status, Status::Unsafe);
  EXPECT_NE(with_tail.absolute.reason.find("above SSIM 0.50"), std::string::npos) << with_tail.absolute.reason;
  r.max_tail_fraction = 0.4;  // the upper bound of 2/20 (Clopper-Pearson) is 0.317
  EXPECT_EQ(judge_cut("c", {scored("cgan", ssim)}, {}, floor_of(0.0, 20), r, 1).absolute.status, Status::Safe);
}

TEST(Verdict, AnUnderTrainedAttackerMakesACutInconclusiveNeverSafe) {
  AttackerScores still = with_interval("inverse_net", 0.1, 0.12);
  still.under_trained = true;
  SeedScore seed;
  seed.convergence.rise = 0.04;
  still.seeds.push_back(seed);
  const CutVerdict v = judge_cut("fc1", {with_interval("cgan", 0.2, 0.25), still}, {}, floor_of(0.2), rules(), 1);
  EXPECT_EQ(v.absolute.status, Status::Inconclusive);
  EXPECT_EQ(v.beyond_output.status, Status::Inconclusive);
  EXPECT_FALSE(v.safe);
  EXPECT_NE(v.absolute.reason.find("inverse_net (validation SSIM +0.040"), std::string::npos) << v.absolute.reason;
  // A cut that leaks anyway is unsafe, under-trained or not.
  const CutVerdict leaks = judge_cut("fc1", {with_interval("cgan", 0.5, 0.55), still}, {}, floor_of(0.0), rules(), 1);
  EXPECT_EQ(leaks.absolute.status, Status::Unsafe);
}

TEST(Verdict, BaselinesNeverCountAsTheWorstCase) {
  const CutVerdict v = judge_cut("c", {with_interval("cgan", 0.1, 0.12)}, {with_interval("prior", 0.6, 0.65)},
                                 floor_of(0.1), rules(), 1);
  EXPECT_EQ(v.absolute.status, Status::Safe);
  EXPECT_EQ(v.baselines.size(), 1u);
  EXPECT_EQ(v.attackers[v.absolute.worst].attacker, "cgan");
}

TEST(Verdict, RecommendsTheEarliestCutAfterWhichAllAreSafeUnderEachRule) {
  auto cut = [](const std::string& name, double high, bool under_trained = false) {
    AttackerScores a = with_interval("a", high - 0.02, high);
    a.under_trained = under_trained;
    return judge_cut(name, {a}, {}, floor_of(high - 0.02), rules(), 1);
  };
  // unsafe, safe, unsafe, safe, safe -> index 3 (a safe cut followed by an unsafe one does not count)
  const std::vector<CutVerdict> cuts{cut("c1", 0.9), cut("c2", 0.25), cut("c3", 0.5), cut("c4", 0.2), cut("c5", 0.1)};
  EXPECT_EQ(recommend_cut(cuts, Rule::Absolute), std::optional<size_t>(3));
  // beyond_output: every cut reconstructs exactly its floor, so each is safe.
  EXPECT_EQ(recommend_cut(cuts, Rule::BeyondOutput), std::optional<size_t>(0));
  EXPECT_EQ(recommend_cut({cut("c1", 0.2), cut("c2", 0.9)}, Rule::Absolute), std::nullopt);
  EXPECT_EQ(recommend_cut({cut("c1", 0.2), cut("c2", 0.1)}, Rule::Absolute), std::optional<size_t>(0));
  // An inconclusive last cut blocks every recommendation.
  EXPECT_EQ(recommend_cut({cut("c1", 0.2), cut("c2", 0.1, true)}, Rule::Absolute), std::nullopt);
  EXPECT_EQ(recommend_cut({}, Rule::Absolute), std::nullopt);
}

TEST(Verdict, RuleNames) {
  EXPECT_EQ(parse_rule("beyond_output"), Rule::BeyondOutput);
  EXPECT_EQ(rule_name(parse_rule("absolute")), "absolute");
  EXPECT_THROW(parse_rule("relative"), Error);
  EXPECT_EQ(status_name(Status::Inconclusive), "inconclusive");
}

}  // namespace
}  // namespace splitleak::attack
