// The convergence check and the attacker's own validation split: evaluation steps include the
// start of the last fifth and the end, the rise over the last fifth decides under-training, the
// split is disjoint, sized and seeded, and evaluating during training changes nothing it learns.
#include <gtest/gtest.h>

#include <set>

#include "attack/attacker.h"
#include "attack/convergence.h"
#include "attack/metrics.h"
#include "core/error.h"
#include "core/random.h"

namespace splitleak::attack {
namespace {

TEST(Convergence, EvaluationStepsHoldTheLastFifthAndTheEnd) {
  EXPECT_EQ(evaluation_steps(300, 100), (std::vector<int64_t>{100, 200, 240, 300}));
  EXPECT_EQ(evaluation_steps(10, 5), (std::vector<int64_t>{5, 8, 10}));
  EXPECT_EQ(evaluation_steps(4, 1), (std::vector<int64_t>{1, 2, 3, 4}));
  EXPECT_EQ(evaluation_steps(1, 50), (std::vector<int64_t>{1}));
  EXPECT_EQ(last_fifth_start(300), 240);
  EXPECT_THROW(evaluation_steps(10, 0), Error);
}

TEST(Convergence, TheRiseOverTheLastFifthDecides) {
  Convergence c;
  c.steps = {100, 200, 240, 300};
  c.ssim = {0.30, 0.50, 0.60, 0.605};
  assess_convergence(c, 300, 0.01);
  EXPECT_NEAR(c.rise, 0.005, 1e-12);
  EXPECT_FALSE(c.under_trained);
  c.ssim = {0.30, 0.50, 0.60, 0.62};
  assess_convergence(c, 300, 0.01);
  EXPECT_TRUE(c.under_trained);
  c.ssim = {0.30, 0.50, 0.60, 0.55};  // falling is converged (overfitting shows, but not as under-training)
  assess_convergence(c, 300, 0.01);
  EXPECT_FALSE(c.under_trained);
  c.ssim = {0.30, 0.50, 0.60, 0.6101};
  assess_convergence(c, 300, 0.0101);
  EXPECT_FALSE(c.under_trained);  // a rise equal to the delta (within rounding) is not more than it
  Convergence missing;
  missing.steps = {100, 300};
  missing.ssim = {0.3, 0.4};
  EXPECT_THROW(assess_convergence(missing, 300, 0.01), Error);
}

// steps: auto checks every eval_every steps up to the cap and evaluates each check, the start of
// its last fifth and the cap's, so the rule can be applied at any check and at the cap.
TEST(Convergence, AutomaticBudgetsEvaluateWhatTheRuleReads) {
  EXPECT_EQ(plateau_checks(1000, 300), (std::vector<int64_t>{300, 600, 900}));
  EXPECT_EQ(auto_evaluation_steps(1000, 300), (std::vector<int64_t>{240, 300, 480, 600, 720, 800, 900, 1000}));
  EXPECT_EQ(auto_evaluation_steps(4, 4), (std::vector<int64_t>{4}));
  Convergence c;
  c.steps = auto_evaluation_steps(1000, 300);
  c.ssim = std::vector<double>(8, 0.5);
  for (int64_t s : plateau_checks(1000, 300)) EXPECT_EQ(rise_over_last_fifth(c, s), 0.0) << s;
  EXPECT_EQ(rise_over_last_fifth(c, 1000), 0.0);
  EXPECT_THROW(plateau_checks(10, 0), Error);
}

TEST(Convergence, ValidationSplitIsDisjointSizedAndSeeded) {
  Tensor f = Tensor::empty({25, 3}), x = Tensor::empty({25, 1, 2, 2});
  for (int64_t i = 0; i < 25; ++i) {
    for (int64_t j = 0; j < 3; ++j) f.data()[i * 3 + j] = static_cast<float>(i);
    for (int64_t j = 0; j < 4; ++j) x.data()[i * 4 + j] = static_cast<float>(i);
  }
  const SamplesPtr fs = in_memory(f), xs = in_memory(x);
  const ValidationSplit s = split_validation(fs, xs, 0.1, 7);
  EXPECT_EQ(s.val_features->size(), 3);  // ceil(2.5)
  EXPECT_EQ(s.train_features->size(), 22);
  const Tensor train_f = read_all(*s.train_features), val_f = read_all(*s.val_features), val_x = read_all(*s.val_images);
  std::set<float> seen;
  for (const Tensor* t : {&train_f, &val_f})
    for (int64_t i = 0; i < t->size(0); ++i) seen.insert(t->data()[i * 3]);
  EXPECT_EQ(seen.size(), 25u);
  for (int64_t i = 0; i < 3; ++i) EXPECT_EQ(val_x.data()[i * 4], val_f.data()[i * 3]);  // pairs kept
  EXPECT_EQ(read_all(*split_validation(fs, xs, 0.1, 7).val_features).to_vector(), val_f.to_vector());
  EXPECT_NE(read_all(*split_validation(fs, xs, 0.1, 8).val_features).to_vector(), val_f.to_vector());
  EXPECT_THROW(split_validation(in_memory(f.slice(0, 1)), in_memory(x.slice(0, 1)), 0.1, 7), Error);
}

TEST(Convergence, EvaluatingDuringTrainingChangesNothingLearned) {
  Tensor f = Tensor::empty({32, 4, 7, 7}), x = Tensor::empty({32, 1, 28, 28});
  Generator gen(3);
  init::uniform_(f, 0, 1, gen), init::uniform_(x, 0, 1, gen);
  const AttackContext ctx{{4, 7, 7}, {1, 28, 28}, nullptr, Device{}};
  for (const std::string kind : {"inverse_net", "cgan"}) {
    std::map<std::string, std::string> small{{"ngf", "8"}, {"stem_channels", "8"}};
    if (kind == "cgan") small.emplace("ndf", "8");
    auto plain = make_attacker(kind, Config("test", small), ctx), watched = make_attacker(kind, Config("test", small), ctx);
    FitOptions fit;
    fit.steps = 6, fit.batch_size = 4;
    plain->fit(TensorSamples(f), TensorSamples(x), fit);
    std::vector<int64_t> called;
    fit.evaluate_at = {2, 5, 6};
    fit.evaluate = [&](int64_t step) {
      called.push_back(step);
      watched->reconstruct(f.slice(0, 4));
    };
    watched->fit(TensorSamples(f), TensorSamples(x), fit);
    EXPECT_EQ(called, fit.evaluate_at) << kind;
    EXPECT_EQ(plain->reconstruct(f).to_vector(), watched->reconstruct(f).to_vector()) << kind;
  }
}

TEST(Convergence, ValidationSsimOverBatchesEqualsOnePass) {
  Tensor f = Tensor::empty({600, 4, 7, 7}), x = Tensor::empty({600, 1, 28, 28});
  Generator gen(5);
  init::uniform_(f, 0, 1, gen), init::uniform_(x, 0, 1, gen);
  auto attacker = make_attacker("inverse_net", Config("test", {{"ngf", "8"}, {"stem_channels", "8"}}),
                                {{4, 7, 7}, {1, 28, 28}, nullptr, Device{}});
  const ValidationSplit s = split_validation(in_memory(f), in_memory(x), 0.5, 1);  // 300 rows: two batches
  const std::vector<double> one_pass =
      ssim_per_image(attacker->reconstruct(read_all(*s.val_features)), read_all(*s.val_images));
  double sum = 0;
  for (double v : one_pass) sum += v;
  EXPECT_EQ(validation_ssim(*attacker, s), sum / static_cast<double>(one_pass.size()));
}

}  // namespace
}  // namespace splitleak::attack
