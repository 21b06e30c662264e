// docs/attackers.md's example attacker, compiled and run here so the guide cannot rot.
#include <gtest/gtest.h>

#include "attack/attacker.h"
#include "attack/metrics.h"
#include "core/error.h"
#include "core/random.h"

namespace example {
bool register_mean_upsample();
}

namespace splitleak::attack {
namespace {

TEST(ExampleAttacker, RegistersBuildsAndReconstructs) {
  ASSERT_TRUE(example::register_mean_upsample());
  const AttackContext ctx{{4, 7, 7}, {3, 28, 28}, nullptr, Device{}};
  auto attacker = make_attacker("mean_upsample", Config("docs example", {{"bilinear", "true"}}), ctx);
  EXPECT_EQ(attacker->kind(), "mean_upsample");
  Tensor features = Tensor::empty({2, 4, 7, 7});
  Generator gen(1);
  init::uniform_(features, -1, 1, gen);
  attacker->fit(TensorSamples(features), TensorSamples(Tensor::zeros({2, 3, 28, 28})), {});
  const Tensor images = attacker->reconstruct(features);
  EXPECT_EQ(images.shape(), (Shape{2, 3, 28, 28}));
  for (float v : images.to_vector()) ASSERT_TRUE(v >= 0.0f && v <= 1.0f);
  EXPECT_EQ(ssim(images.slice(0, 1).view({3, 28, 28}), images.slice(0, 1).view({3, 28, 28})), 1.0);
  EXPECT_THROW(make_attacker("mean_upsample", Config("docs example", {{"bilnear", "true"}}), ctx), Error);
}

}  // namespace
}  // namespace splitleak::attack
