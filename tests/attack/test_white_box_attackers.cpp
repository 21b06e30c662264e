// The white-box parts of the learned attackers: the feature-consistency term
// (attack/feature_consistency.h, setting feature_weight) and the `hybrid` attacker
// (attack/hybrid_attacker.cpp), on a random-init LeNet-5's features of Fashion-MNIST images.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "attack/attacker.h"
#include "attack/feature_consistency.h"
#include "attack/metrics.h"
#include "tests/attack/lenet_cut.h"
#include "core/autograd.h"
#include "core/error.h"
#include "core/ops.h"
#include "datasets/fashion_mnist.h"
#include "victim/execute.h"
#include "victim/partition.h"
#include "victim/zoo/zoo.h"

namespace splitleak::attack {
namespace {

using testing::LeNetCut;
using testing::mean;

// ‖front(x) − v‖² / ‖v‖² of host images x against the features v.
double relative_feature_error(const victim::Graph& front, const Tensor& x, const Tensor& v) {
  autograd::NoGradGuard no_grad;
  const Tensor zero = Tensor::zeros(v.shape());
  return static_cast<double>(ops::mse_loss(victim::run(front, x), v).item() / ops::mse_loss(v, zero).item());
}

TEST(FeatureConsistency, IsZeroAtTheImageAndDifferentiatesIntoTheFakeOnly) {
  const LeNetCut c("pool1", 8);
  const FeatureConsistency once(c.partition.front, Device{}, 1.0f), twice(c.partition.front, Device{}, 2.0f);
  EXPECT_EQ(once.loss(c.data.images, c.features).item(), 0.0f);
  Tensor grey = Tensor::full(c.data.images.shape(), 0.5f);
  grey.set_requires_grad(true);
  const Tensor loss = once.loss(grey, c.features);
  EXPECT_NEAR(loss.item(), relative_feature_error(c.partition.front, grey.detach(), c.features), 1e-5);
  EXPECT_NEAR(twice.loss(grey, c.features).item(), 2 * loss.item(), 1e-5);
  loss.backward();
  ASSERT_TRUE(grey.grad().defined());
  double norm = 0;
  for (float g : grey.grad().to_vector()) norm += std::abs(g);
  EXPECT_GT(norm, 0);
  for (const auto& [name, t] : c.partition.front.tensors) EXPECT_FALSE(t.grad().defined()) << name;
}

TEST(FeatureConsistency, NeedsTheFrontAndAPositiveWeight) {
  const AttackContext black_box{{6, 14, 14}, {1, 28, 28}, nullptr, Device{}};
  for (const std::string kind : {"cgan", "inverse_net"}) {
    std::map<std::string, std::string> s{{"ngf", "8"}, {"feature_weight", "1"}};
    if (kind == "cgan") s["ndf"] = "8";
    EXPECT_THROW(make_attacker(kind, Config("test", s), black_box), Error) << kind;
    s["feature_weight"] = "0";
    EXPECT_NO_THROW(make_attacker(kind, Config("test", s), black_box)) << kind;
  }
  const LeNetCut c("pool1", 2);
  const AttackContext white_box{{6, 14, 14}, {1, 28, 28}, &c.partition.front, Device{}};
  EXPECT_THROW(make_attacker("inverse_net", Config("test", {{"feature_weight", "-1"}}), white_box), Error);
}

// Trained alike with and without the term, the inverter's held-out reconstructions give back
// features closer to the observed ones with it.
TEST(FeatureConsistency, BringsTheReconstructionsFeaturesCloser) {
  const LeNetCut c("relu2", 448);
  const Tensor aux_f = c.features.slice(0, 384), aux_x = c.data.images.slice(0, 384);
  const Tensor test_f = c.features.slice(384, 448);
  const AttackContext ctx{c.feature_shape(), {1, 28, 28}, &c.partition.front, Device{}};
  double error[2] = {0, 0};
  for (int with = 0; with < 2; ++with) {
    std::map<std::string, std::string> s{{"ngf", "8"}, {"stem_channels", "8"}};
    if (with) s["feature_weight"] = "1";
    auto attacker = make_attacker("inverse_net", Config("test", s), ctx);
    FitOptions fit;
    fit.steps = 80, fit.batch_size = 16;
    attacker->fit(TensorSamples(aux_f), TensorSamples(aux_x), fit);
    error[with] = relative_feature_error(c.partition.front, attacker->reconstruct(test_f), test_f);
  }
  std::printf("relative feature error of the reconstructions: %.4f without, %.4f with feature_weight 1\n", error[0],
              error[1]);
  EXPECT_LT(error[1], error[0]);
}

TEST(Hybrid, RefinesItsBaseThroughTheFront) {
  const LeNetCut c("relu1", 320);
  const Tensor aux_f = c.features.slice(0, 288), aux_x = c.data.images.slice(0, 288);
  const Tensor test_f = c.features.slice(288, 320), test_x = c.data.images.slice(288, 320);
  const AttackContext ctx{c.feature_shape(), {1, 28, 28}, &c.partition.front, Device{}};
  double ssim[2] = {0, 0};
  for (int refined = 0; refined < 2; ++refined) {
    const std::map<std::string, std::string> s{
        {"ngf", "8"}, {"stem_channels", "8"}, {"refine_iterations", refined ? "100" : "0"}};
    auto attacker = make_attacker("hybrid", Config("test", s), ctx);
    FitOptions fit;
    fit.steps = 40, fit.batch_size = 16;
    attacker->fit(TensorSamples(aux_f), TensorSamples(aux_x), fit);
    ssim[refined] = mean(ssim_per_image(attacker->reconstruct(test_f), test_x));
  }
  std::printf("hybrid at relu1: SSIM %.3f from its base alone, %.3f refined\n", ssim[0], ssim[1]);
  EXPECT_GT(ssim[1], ssim[0] + 0.02);
}

// While fit runs (the runner's validation scores), reconstruct is the base's alone.
TEST(Hybrid, ValidationDuringFitScoresTheBase) {
  const LeNetCut c("pool1", 32);
  const AttackContext ctx{c.feature_shape(), {1, 28, 28}, &c.partition.front, Device{}};
  const std::map<std::string, std::string> s{{"ngf", "8"}, {"stem_channels", "8"}};
  auto hybrid = make_attacker("hybrid", Config("test", s), ctx);
  auto base = make_attacker("inverse_net", Config("test", s), ctx);
  std::vector<float> during, of_base;
  FitOptions fit;
  fit.steps = 2, fit.batch_size = 8, fit.evaluate_at = {2};
  fit.evaluate = [&](int64_t) { during = hybrid->reconstruct(c.features).to_vector(); };
  hybrid->fit(TensorSamples(c.features), TensorSamples(c.data.images), fit);
  fit.evaluate = [&](int64_t) { of_base = base->reconstruct(c.features).to_vector(); };
  base->fit(TensorSamples(c.features), TensorSamples(c.data.images), fit);
  EXPECT_EQ(during, of_base);
  EXPECT_NE(hybrid->reconstruct(c.features).to_vector(), of_base);
}

TEST(Hybrid, TraitsAndSettings) {
  EXPECT_TRUE(attacker_traits("hybrid").learns);
  EXPECT_EQ(attacker_traits("hybrid").iterations_key, "refine_iterations");
  EXPECT_FALSE(attacker_traits("rmle").learns);
  EXPECT_TRUE(attacker_traits("cgan").iterations_key.empty());
  EXPECT_THROW(attacker_traits("gan9000"), Error);
  const LeNetCut c("pool1", 2);
  const AttackContext ctx{c.feature_shape(), {1, 28, 28}, &c.partition.front, Device{}};
  EXPECT_THROW(make_attacker("hybrid", Config("test", {}), {c.feature_shape(), {1, 28, 28}, nullptr, Device{}}), Error);
  EXPECT_THROW(make_attacker("hybrid", Config("test", {{"base", "rmle"}}), ctx), Error);
  EXPECT_THROW(make_attacker("hybrid", Config("test", {{"refine_lr", "0"}}), ctx), Error);
  EXPECT_THROW(make_attacker("hybrid", Config("test", {{"nfg", "8"}}), ctx), Error);  // the base's keys, checked
  EXPECT_NO_THROW(make_attacker("hybrid", Config("test", {{"base", "cgan"}, {"ngf", "8"}, {"ndf", "8"}}), ctx));
}

}  // namespace
}  // namespace splitleak::attack
