// Defences at the cut (victim/defence.h): the statistics of each defended feature map, its
// determinism given the generator, its gradient, the fitting, and the refusals.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "core/autograd.h"
#include "core/ops/elementwise.h"
#include "core/ops/reduce.h"
#include "core/random.h"
#include "tests/support/error_of.h"
#include "victim/defence.h"
#include "victim/execute.h"
#include "victim/partition.h"
#include "victim/zoo/zoo.h"

namespace splitleak::victim {
namespace {

using splitleak::testing::error_of;

Tensor uniform(const Shape& shape, uint64_t seed, float lo = 0.0f, float hi = 1.0f) {
  Tensor x = Tensor::empty(shape);
  Generator gen(seed);
  init::uniform_(x, lo, hi, gen);
  return x;
}

// LeNet-5 cut at pool1 (6 x 14 x 14), the statistics of its features on 64 images.
struct Fixture {
  Graph front = partition(zoo::build("lenet5"), "pool1").front;
  Tensor images = uniform({64, 1, 28, 28}, 1);
  Tensor features = run(front, images);
  FeatureStatistics statistics;
  Fixture() { statistics.add(features); }
};

Tensor run_seeded(const Graph& g, const Tensor& x, uint64_t seed) {
  Generator gen(seed);
  RunOptions options;
  options.generator = &gen;
  return run(g, x, options);
}

TEST(Defence, NoiseHasTheRelativeSigmaAndIsFreshPerSeed) {
  const Fixture f;
  const Graph g = defend(f.front, {"noise", 0.5}, f.statistics);
  EXPECT_EQ(g.output().name, "defence.noise");
  const std::vector<float> clean = f.features.to_vector(), noisy = run_seeded(g, f.images, 3).to_vector();
  double sum = 0, squares = 0;
  for (size_t i = 0; i < clean.size(); ++i) sum += noisy[i] - clean[i], squares += std::pow(noisy[i] - clean[i], 2);
  const double n = static_cast<double>(clean.size()), mean = sum / n;
  EXPECT_NEAR(std::sqrt(squares / n - mean * mean), 0.5 * f.statistics.standard_deviation(),
              0.02 * f.statistics.standard_deviation());
  EXPECT_NEAR(mean, 0.0, 0.02 * f.statistics.standard_deviation());
  EXPECT_EQ(run_seeded(g, f.images, 3).to_vector(), noisy);
  EXPECT_NE(run_seeded(g, f.images, 4).to_vector(), noisy);
  EXPECT_NE(error_of([&] { run(g, f.images); }).find("needs a generator"), std::string::npos);
}

TEST(Defence, DropoutZeroesAboutPAndScalesTheRest) {
  const Fixture f;
  const Graph g = defend(f.front, {"dropout", 0.3}, f.statistics);
  const std::vector<float> clean = f.features.to_vector(), dropped = run_seeded(g, f.images, 5).to_vector();
  int64_t zeroed = 0, nonzero = 0;
  for (size_t i = 0; i < clean.size(); ++i) {
    if (clean[i] == 0.0f) continue;
    ++nonzero;
    if (dropped[i] == 0.0f) {
      ++zeroed;
    } else {
      EXPECT_FLOAT_EQ(dropped[i], clean[i] / 0.7f);
    }
  }
  EXPECT_NEAR(static_cast<double>(zeroed) / static_cast<double>(nonzero), 0.3, 0.02);
  EXPECT_EQ(run_seeded(g, f.images, 5).to_vector(), dropped);
}

TEST(Defence, QuantizeGivesAtMostTwoToTheBitsLevelsPerChannelWithinHalfAStep) {
  const Fixture f;
  const int bits = 3;
  const Graph g = defend(f.front, {"quantize", bits}, f.statistics);
  const Tensor q = run(g, f.images);
  const std::vector<float> clean = f.features.to_vector(), levels = q.to_vector();
  const int64_t channels = 6, inner = 14 * 14;
  std::vector<std::set<float>> seen(channels);
  for (size_t i = 0; i < clean.size(); ++i) {
    const int64_t c = (static_cast<int64_t>(i) / inner) % channels;
    const float lo = f.statistics.channel_min()[c], hi = f.statistics.channel_max()[c];
    seen[c].insert(levels[i]);
    EXPECT_GE(levels[i], lo);
    EXPECT_LE(levels[i], hi);
    EXPECT_LE(std::abs(levels[i] - clean[i]), (hi - lo) / 7.0f / 2.0f * 1.0001f) << i;
  }
  for (const auto& s : seen) {
    EXPECT_LE(s.size(), size_t{1} << bits);
    EXPECT_GE(s.size(), 2u);
  }
  EXPECT_EQ(run(g, f.images).to_vector(), levels);  // no randomness
}

TEST(Defence, TopkKeepsTheChannelsOfLargestMeanMagnitudeUnchanged) {
  const Fixture f;
  const Graph g = defend(f.front, {"topk", 0.5}, f.statistics);
  const std::vector<int64_t> kept = top_channels(f.statistics.channel_mean_magnitude(), 0.5);
  ASSERT_EQ(kept.size(), 3u);
  const auto magnitude = f.statistics.channel_mean_magnitude();
  for (int64_t c = 0; c < 6; ++c) {
    const bool is_kept = std::find(kept.begin(), kept.end(), c) != kept.end();
    if (is_kept) continue;
    for (int64_t k : kept) EXPECT_GE(magnitude[k], magnitude[c]);
  }
  const std::vector<float> clean = f.features.to_vector(), out = run(g, f.images).to_vector();
  for (size_t i = 0; i < clean.size(); ++i) {
    const int64_t c = (static_cast<int64_t>(i) / (14 * 14)) % 6;
    const bool is_kept = std::find(kept.begin(), kept.end(), c) != kept.end();
    EXPECT_EQ(out[i], is_kept ? clean[i] : 0.0f) << i;
  }
  EXPECT_EQ(top_channels({1.0, 3.0, 3.0, 2.0}, 0.5), (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(top_channels({1.0, 3.0, 3.0, 2.0}, 0.01), (std::vector<int64_t>{1}));  // at least one
}

TEST(Defence, NoneIsTheFrontItselfAndFlatFeaturesAreChannels) {
  const Fixture f;
  EXPECT_EQ(defend(f.front, {"none", 0}, f.statistics).nodes.size(), f.front.nodes.size());
  // NoPeek's defence is in the victim's weights (victim/defence_training.h), not a node.
  EXPECT_EQ(defend(f.front, {"nopeek", 0.5, 1}, f.statistics).nodes.size(), f.front.nodes.size());
  EXPECT_FALSE(transforms_features({"nopeek", 0.5, 1}));
  EXPECT_TRUE(transforms_features({"topk", 0.5}));
  const Graph fc = partition(zoo::build("lenet5"), "fc1").front;
  FeatureStatistics s;
  s.add(run(fc, f.images));
  const Graph g = defend(fc, {"quantize", 2}, s);
  const Tensor q = run(g, f.images);
  EXPECT_EQ(q.shape(), (Shape{64, 120}));
  for (int64_t d = 0; d < 120; ++d) {
    std::set<float> levels;
    for (int64_t n = 0; n < 64; ++n) levels.insert(q.data()[n * 120 + d]);
    EXPECT_LE(levels.size(), 4u) << d;
  }
}

TEST(Defence, StatisticsOverBatchesEqualOnePass) {
  const Fixture f;
  FeatureStatistics halves;
  halves.add(f.features.slice(0, 32)), halves.add(f.features.slice(32, 64));
  EXPECT_NEAR(halves.standard_deviation(), f.statistics.standard_deviation(), 1e-9);
  EXPECT_EQ(halves.channel_min(), f.statistics.channel_min());
  EXPECT_EQ(halves.channel_max(), f.statistics.channel_max());
  EXPECT_EQ(halves.count(), 64 * 6 * 14 * 14);
  EXPECT_EQ(error_of([&] { halves.add(uniform({2, 6, 7, 7}, 2)); }),
            "defence statistics: features of (N, [6, 7, 7]) after (N, [6, 14, 14])");
}

// Gradients through the defence alone (a graph of the input node, shaped as pool1's features),
// for white-box attackers: noise and dropout as finite differences with the same draws; quantize
// straight through (the identity).
TEST(Defence, GradientsThroughTheDefence) {
  const Fixture f;
  Graph identity;
  Node in_node;
  in_node.name = "features", in_node.op = op::Input{}, in_node.shape = {1, 6, 14, 14};
  identity.nodes.push_back(in_node);
  infer_shapes(identity);
  const Tensor x = f.features.slice(0, 2).clone();
  const Tensor weights = uniform(x.shape(), 9, -1.0f, 1.0f);
  auto loss = [&](const Graph& g, const Tensor& in) {
    const std::vector<float> y = run_seeded(g, in, 11).to_vector(), w = weights.to_vector();
    double s = 0;
    for (size_t i = 0; i < y.size(); ++i) s += static_cast<double>(y[i]) * w[i];
    return s;
  };
  for (const DefenceSpec& spec : {DefenceSpec{"noise", 0.5}, DefenceSpec{"dropout", 0.3}, DefenceSpec{"quantize", 4}}) {
    const Graph g = defend(identity, spec, f.statistics);
    Tensor in = x.clone();
    in.set_requires_grad(true);
    Generator gen(11);
    RunOptions options;
    options.generator = &gen;
    const Tensor y = run(g, in, options);
    const Tensor grad = autograd::grad(ops::sum(ops::mul(y, weights)), {in})[0];
    const Graph& reference = spec.kind == "quantize" ? identity : g;  // straight through
    for (int64_t i : {200, 400, 600, 1500}) {
      Tensor plus = x.clone(), minus = x.clone();
      plus.data()[i] += 1e-2f, minus.data()[i] -= 1e-2f;
      const double numeric = (loss(reference, plus) - loss(reference, minus)) / 2e-2;
      EXPECT_NEAR(grad.data()[i], numeric, 1e-3 * std::max(1.0, std::abs(numeric))) << spec.label() << " " << i;
    }
  }
}

TEST(Defence, RefusalsNameTheKindAndTheRange) {
  EXPECT_EQ(error_of([] { check_defence({"noize", 1}); }).rfind("unknown defence 'noize'", 0), 0u);
  EXPECT_EQ(error_of([] { check_defence({"noise", 0}); }), "noise: sigma must be a number > 0, got 0");
  EXPECT_EQ(error_of([] { check_defence({"dropout", 1}); }), "dropout: p must be in (0, 1), got 1");
  EXPECT_EQ(error_of([] { check_defence({"quantize", 2.5}); }), "quantize: bits must be an integer in [1, 16], got 2.5");
  EXPECT_EQ(error_of([] { check_defence({"topk", 0}); }), "topk: fraction must be in (0, 1], got 0");
  EXPECT_EQ(DefenceSpec({"noise", 0.5}).label(), "noise(sigma=0.5)");
  EXPECT_EQ(DefenceSpec({"quantize", 4}).label(), "quantize(bits=4)");
  EXPECT_EQ(error_of([] { check_defence({"nopeek", -1, 1}); }), "nopeek: weight must be a number > 0, got -1");
  EXPECT_EQ(error_of([] { check_defence({"nopeek", 0.5, 0}); }), "nopeek: finetune must be at least 1 epoch, got 0");
  EXPECT_EQ(error_of([] { check_defence({"none", 0, 2}); }).rfind("none: the undefended victim is not fine-tuned", 0), 0u);
  EXPECT_EQ(error_of([] { check_defence({"topk", 0.5, -1}); }), "topk: finetune must be epochs >= 0, got -1");
  EXPECT_EQ(DefenceSpec({"nopeek", 0.25, 1}).label(), "nopeek(weight=0.25,finetune=1)");
  EXPECT_EQ(DefenceSpec({"noise", 0.5, 2}).label(), "noise(sigma=0.5,finetune=2)");
  EXPECT_EQ(DefenceSpec({"noise", 1e-7}).label(), "noise(sigma=1e-07)");  // not 0
  EXPECT_NE(DefenceSpec({"noise", 1e-7}).label(), DefenceSpec({"noise", 2e-7}).label());
  const Fixture f;
  FeatureStatistics empty;
  EXPECT_NE(error_of([&] { defend(f.front, {"noise", 1}, empty); }).find("no auxiliary features"), std::string::npos);
  EXPECT_TRUE(draws_randomness(defend(f.front, {"dropout", 0.5}, f.statistics)));
  EXPECT_FALSE(draws_randomness(defend(f.front, {"topk", 0.5}, f.statistics)));
}

}  // namespace
}  // namespace splitleak::victim
