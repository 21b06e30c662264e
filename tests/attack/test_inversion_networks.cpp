// The inversion generator's stem per feature shape (flat vectors go through a linear
// projection) and the c-GAN discriminator's own condition layers.
#include <gtest/gtest.h>

#include "attack/cgan_step.h"
#include "attack/feature_condition.h"
#include "attack/inversion_generator.h"
#include "core/autograd.h"
#include "core/ops.h"

namespace splitleak::attack {
namespace {

Tensor random_tensor(const Shape& shape, uint64_t seed) {
  Tensor t = Tensor::empty(shape);
  Generator gen(seed);
  init::uniform_(t, 0.0f, 1.0f, gen);
  return t;
}

Tensor param(const nn::Module& m, const std::string& name) {
  for (const auto& [n, t] : m.named_parameters())
    if (n == name) return t;
  return {};
}

Shape param_shape(const nn::Module& m, const std::string& name) {
  const Tensor t = param(m, name);
  return t.defined() ? t.shape() : Shape{};
}

TEST(InversionGenerator, MapsEveryFeatureShapeToTheImage) {
  for (const Shape& f : {Shape{6, 28, 28}, Shape{16, 5, 5}, Shape{120}}) {
    InversionGenerator g({f, {1, 28, 28}, 8, 8, NormKind::Batch, false, 3});
    Shape batch{4};
    batch.insert(batch.end(), f.begin(), f.end());
    const Tensor y = g.forward(random_tensor(batch, 1));
    EXPECT_EQ(y.shape(), (Shape{4, 1, 28, 28})) << shape_str(f);
  }
  // A flat vector: a linear layer to 8 x 4 x 4 (ceil(28 / 8) = 4).
  InversionGenerator flat({{120}, {1, 28, 28}, 8, 8, NormKind::Batch, false, 3});
  EXPECT_EQ(param_shape(flat, "stem.0.weight"), (Shape{8 * 4 * 4, 120}));
}

TEST(FeatureCondition, SeesTheMapAsItIsOrThroughItsOwnLayers) {
  Generator gen(1);
  const Shape image{1, 28, 28};
  const FeatureCondition same = make_feature_condition({6, 28, 28}, image, gen);
  EXPECT_EQ(same.module, nullptr);
  EXPECT_EQ(same.channels, 6);
  const FeatureCondition small = make_feature_condition({16, 5, 5}, image, gen);
  EXPECT_TRUE(small.module->named_parameters().empty());  // 16 channels: resized as they are
  EXPECT_EQ(small.module->forward(random_tensor({2, 16, 5, 5}, 1)).shape(), (Shape{2, 16, 28, 28}));
  const FeatureCondition wide = make_feature_condition({128, 4, 4}, image, gen);
  EXPECT_EQ(wide.channels, kConditionChannels);
  EXPECT_EQ(wide.module->forward(random_tensor({2, 128, 4, 4}, 1)).shape(), (Shape{2, kConditionChannels, 28, 28}));
  const FeatureCondition flat = make_feature_condition({120}, image, gen);
  EXPECT_EQ(flat.channels, kConditionChannels / 4);
  EXPECT_EQ(flat.module->forward(random_tensor({2, 120}, 1)).shape(), (Shape{2, kConditionChannels / 4, 28, 28}));
}

// The condition layers belong to the discriminator: its step moves them, the generator's does not.
TEST(FeatureCondition, TrainsWithTheDiscriminatorOnly) {
  Generator gen(1);
  const FeatureCondition c = make_feature_condition({120}, {1, 28, 28}, gen);
  auto g = std::make_shared<InversionGenerator>(InversionGeneratorOptions{{120}, {1, 28, 28}, 4, 4, NormKind::Batch, false, 3});
  CganStepOptions o;
  o.discriminator = {c.channels + 1, 4, 1, NormKind::Batch, 4};
  CganStep step(o, g, c.module);
  const Tensor weight = param(step.discriminator(), "condition.0.weight");
  ASSERT_TRUE(weight.defined());
  const Tensor before = weight.clone();
  const Tensor v = random_tensor({4, 120}, 7), real = random_tensor({4, 1, 28, 28}, 8);
  CganLosses losses;
  const Tensor fake = step.generate(v);
  step.generator_step(v, real, fake, losses);
  EXPECT_EQ(weight.to_vector(), before.to_vector());  // the generator's step leaves it
  step.discriminator_step(v, real, fake, losses);
  EXPECT_NE(weight.to_vector(), before.to_vector());  // the discriminator's moves it
}

}  // namespace
}  // namespace splitleak::attack
