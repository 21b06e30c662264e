// `gan_prior` and its parts: the DCGAN generator (attack/latent_generator.h), the latent search
// (attack/latent_search.h) and the attacker (attack/gan_prior_attacker.cpp), on a random-init
// LeNet-5's features of Fashion-MNIST images.
#include <gtest/gtest.h>

#include <cstdio>

#include "attack/attacker.h"
#include "attack/latent_generator.h"
#include "attack/latent_search.h"
#include "attack/metrics.h"
#include "core/autograd.h"
#include "core/error.h"
#include "core/ops.h"
#include "tests/attack/lenet_cut.h"

namespace splitleak::attack {
namespace {

using testing::LeNetCut;
using testing::mean;

// ‖front(x) − v‖² / ‖v‖² over the whole batch.
double relative_feature_error(const victim::Graph& front, const Tensor& x, const Tensor& v) {
  autograd::NoGradGuard no_grad;
  const Tensor zero = Tensor::zeros(v.shape());
  return static_cast<double>(ops::mse_loss(victim::run(front, x), v).item() / ops::mse_loss(v, zero).item());
}

TEST(LatentGenerator, MakesImagesOfAnySizeFromItsFirstBlock) {
  struct Case {
    Shape image, head;
  };
  for (const Case& c : {Case{{1, 28, 28}, {32, 7, 7}}, Case{{3, 32, 32}, {32, 8, 8}}, Case{{3, 30, 20}, {32, 8, 5}},
                        Case{{3, 224, 224}, {64, 7, 7}}, Case{{1, 8, 8}, {8, 8, 8}}}) {
    LatentGenerator g({c.image, 10, 8, 1});
    EXPECT_EQ(g.head_shape(), c.head) << shape_str(c.image);
    autograd::NoGradGuard no_grad;
    const Tensor z = standard_normal({2, 10}, 2);
    const Tensor x = g.forward(z);
    EXPECT_EQ(x.shape(), (Shape{2, c.image[0], c.image[1], c.image[2]}));
    for (float v : x.to_vector()) ASSERT_TRUE(v >= 0.0f && v <= 1.0f);
    EXPECT_EQ(g.tail(g.head(z)).to_vector(), x.to_vector());
  }
  LatentGenerator g({{1, 28, 28}, 10, 8, 1});
  EXPECT_THROW(g.forward(standard_normal({2, 11}, 1)), Error);
  EXPECT_THROW(g.tail(Tensor::zeros({2, 32, 6, 6})), Error);
  EXPECT_THROW(LatentGenerator({{28, 28}, 10, 8, 1}), Error);
}

// The search finds, on a generator's range, features it was given from that range: far closer
// than its start, and no parameter of the generator or the front is touched.
TEST(LatentSearch, MatchesFeaturesFromTheGeneratorsRange) {
  const LeNetCut c("pool1", 1);
  LatentGenerator g({{1, 28, 28}, 8, 8, 4});
  Generator gen(5);
  for (auto& [name, t] : g.named_parameters())  // weights that make the images vary with z
    if (t.dim() >= 2) init::kaiming_normal_(t, gen);
  g.eval();
  Tensor target;
  {
    autograd::NoGradGuard no_grad;
    target = victim::run(c.partition.front, g.forward(standard_normal({6, 8}, 9)));
  }
  LatentSearchOptions o;
  o.iterations = 0, o.restarts = 1;
  const double start = relative_feature_error(c.partition.front, latent_search(g, c.partition.front, target, o), target);
  o.iterations = 150;
  const double found = relative_feature_error(c.partition.front, latent_search(g, c.partition.front, target, o), target);
  std::printf("latent search: relative feature error %.4f from the start, %.4f found\n", start, found);
  EXPECT_LT(found, start / 10);
  for (const auto& [name, t] : g.named_parameters()) EXPECT_FALSE(t.grad().defined()) << name;
  for (const auto& [name, t] : c.partition.front.tensors) EXPECT_FALSE(t.grad().defined()) << name;
}

// Restart 0 is the single search; every row keeps the best of its restarts.
TEST(LatentSearch, EachRowKeepsItsBestRestart) {
  const LeNetCut c("pool1", 8);
  LatentGenerator g({{1, 28, 28}, 8, 8, 4});
  LatentSearchOptions o;
  o.iterations = 20, o.restarts = 1;
  const Tensor one = latent_search(g, c.partition.front, c.features, o);
  o.restarts = 3;
  const Tensor three = latent_search(g, c.partition.front, c.features, o);
  EXPECT_NE(one.to_vector(), three.to_vector());
  for (int64_t i = 0; i < c.features.size(0); ++i) {
    const Tensor v = c.features.slice(i, i + 1);
    EXPECT_LE(relative_feature_error(c.partition.front, three.slice(i, i + 1), v),
              relative_feature_error(c.partition.front, one.slice(i, i + 1), v) + 1e-9)
        << "row " << i;
  }
  EXPECT_EQ(latent_search(g, c.partition.front, c.features, o).to_vector(), three.to_vector());
}

// A prior trained on the auxiliary images reconstructs held-out images from their features
// better than the same search on an untrained generator.
TEST(GanPrior, LearnsAPriorThatTheSearchUses) {
  const LeNetCut c("relu1", 352);
  const Tensor aux_f = c.features.slice(0, 320), aux_x = c.data.images.slice(0, 320);
  const Tensor test_f = c.features.slice(320, 352), test_x = c.data.images.slice(320, 352);
  const AttackContext ctx{c.feature_shape(), {1, 28, 28}, &c.partition.front, Device{}};
  const std::map<std::string, std::string> s{{"ngf", "16"}, {"ndf", "16"}, {"latent_dim", "32"},
                                             {"iterations", "60"}, {"restarts", "2"}};
  double ssim[2] = {0, 0};
  for (int trained = 0; trained < 2; ++trained) {
    auto attacker = make_attacker("gan_prior", Config("test", s), ctx);
    FitOptions fit;
    fit.steps = trained ? 300 : 0, fit.batch_size = 32;
    attacker->fit(TensorSamples(aux_f), TensorSamples(aux_x), fit);
    ssim[trained] = mean(ssim_per_image(attacker->reconstruct(test_f), test_x));
  }
  std::printf("gan_prior at relu1: SSIM %.3f untrained, %.3f after 300 steps\n", ssim[0], ssim[1]);
  EXPECT_GT(ssim[1], ssim[0] + 0.1);
}

// While fit runs, reconstruct searches with one restart and a quarter of the iterations.
TEST(GanPrior, ValidationDuringFitSearchesBriefly) {
  const LeNetCut c("pool1", 16);
  const AttackContext ctx{c.feature_shape(), {1, 28, 28}, &c.partition.front, Device{}};
  const std::map<std::string, std::string> s{{"ngf", "8"}, {"ndf", "8"}, {"latent_dim", "8"}, {"iterations", "8"},
                                             {"restarts", "3"}};
  auto attacker = make_attacker("gan_prior", Config("test", s), ctx);
  FitOptions fit;
  fit.steps = 2, fit.batch_size = 8;
  std::vector<float> during;
  fit.evaluate_at = {2};
  fit.evaluate = [&](int64_t) { during = attacker->reconstruct(c.features).to_vector(); };
  attacker->fit(TensorSamples(c.features), TensorSamples(c.data.images), fit);
  const std::vector<float> after = attacker->reconstruct(c.features).to_vector();
  std::map<std::string, std::string> short_search = s;
  short_search["iterations"] = "2", short_search["restarts"] = "1";
  auto reference = make_attacker("gan_prior", Config("test", short_search), ctx);
  fit.evaluate = nullptr;
  reference->fit(TensorSamples(c.features), TensorSamples(c.data.images), fit);
  EXPECT_EQ(during, reference->reconstruct(c.features).to_vector());
  EXPECT_NE(during, after);
}

TEST(GanPrior, TraitsAndSettings) {
  const attack::AttackerTraits& t = attacker_traits("gan_prior");
  EXPECT_TRUE(t.learns);
  EXPECT_EQ(t.iterations_key, "iterations");
  EXPECT_EQ(t.batch_key, "search_batch_size");
  const LeNetCut c("pool1", 2);
  const AttackContext ctx{c.feature_shape(), {1, 28, 28}, &c.partition.front, Device{}};
  EXPECT_THROW(make_attacker("gan_prior", Config("test", {}), {c.feature_shape(), {1, 28, 28}, nullptr, Device{}}),
               Error);
  for (const auto& [key, value] : std::vector<std::pair<std::string, std::string>>{
           {"block_fraction", "1.5"}, {"restarts", "0"}, {"search_lr", "0"}, {"latent_dim", "0"}, {"stem_channels", "8"}})
    EXPECT_THROW(make_attacker("gan_prior", Config("test", {{key, value}}), ctx), Error) << key;
  EXPECT_NO_THROW(make_attacker("gan_prior", Config("test", {{"ngf", "8"}, {"ndf", "8"}, {"block_fraction", "0"}}), ctx));
}

}  // namespace
}  // namespace splitleak::attack
