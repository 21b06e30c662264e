// Mirrored training pairs (attack/flip_augmentation.h, setting `augment: flip`): exact mirrors,
// the front's features of them, seeded draws, and the setting's checks and effect.
#include <gtest/gtest.h>

#include "attack/attacker.h"
#include "attack/flip_augmentation.h"
#include "attack/metrics.h"
#include "core/error.h"
#include "tests/attack/lenet_cut.h"

namespace splitleak::attack {
namespace {

using testing::LeNetCut;
using testing::mean;

TEST(FlipAugmentation, MirrorsExactlyTheFlaggedImages) {
  const Tensor x = Tensor::from_vector({2, 1, 2, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
  EXPECT_EQ(mirror_rows(x, {true, false}).to_vector(),
            (std::vector<float>{3, 2, 1, 6, 5, 4, 7, 8, 9, 10, 11, 12}));
  EXPECT_EQ(mirror_rows(mirror_rows(x, {true, true}), {true, true}).to_vector(), x.to_vector());
  EXPECT_THROW(mirror_rows(x, {true}), Error);
}

TEST(FlipAugmentation, FeaturesAreTheFrontsOfTheDrawnMirrors) {
  const LeNetCut c("pool1", 64);
  const FlipAugmentation flip(c.partition.front, Device{});
  const auto [features, images] = flip.apply(c.data.images, 7);
  autograd::NoGradGuard no_grad;
  EXPECT_EQ(features.to_vector(), victim::run(c.partition.front, images).to_vector());
  int mirrored = 0;
  for (int64_t n = 0; n < 64; ++n) {
    const Tensor one = images.slice(n, n + 1), original = c.data.images.slice(n, n + 1);
    if (one.to_vector() != original.to_vector()) {
      ++mirrored;
      EXPECT_EQ(one.to_vector(), mirror_rows(original, {true}).to_vector()) << n;
    }
  }
  EXPECT_GT(mirrored, 16);
  EXPECT_LT(mirrored, 48);
  EXPECT_EQ(flip.apply(c.data.images, 7).second.to_vector(), images.to_vector());
  EXPECT_NE(flip.apply(c.data.images, 8).second.to_vector(), images.to_vector());
}

TEST(FlipAugmentation, TheSettingNeedsTheFrontAndChangesWhatIsLearned) {
  const LeNetCut c("pool1", 256);
  const AttackContext black_box{c.feature_shape(), {1, 28, 28}, nullptr, Device{}};
  const AttackContext white_box{c.feature_shape(), {1, 28, 28}, &c.partition.front, Device{}};
  for (const std::string kind : {"cgan", "inverse_net"}) {
    std::map<std::string, std::string> s{{"ngf", "8"}, {"ndf", "8"}, {"augment", "flip"}};
    if (kind == "inverse_net") s.erase("ndf");
    EXPECT_THROW(make_attacker(kind, Config("test", s), black_box), Error) << kind;
    s["augment"] = "rotate";
    EXPECT_THROW(make_attacker(kind, Config("test", s), white_box), Error) << kind;
    std::vector<double> ssim;
    for (const char* augment : {"none", "flip"}) {
      s["augment"] = augment;
      auto attacker = make_attacker(kind, Config("test", s), white_box);
      FitOptions fit;
      fit.steps = kind == "cgan" ? 10 : 60, fit.batch_size = 16;
      attacker->fit(TensorSamples(c.features.slice(0, 192)), TensorSamples(c.data.images.slice(0, 192)), fit);
      const Tensor rec = attacker->reconstruct(c.features.slice(192, 256));
      ssim.push_back(mean(ssim_per_image(rec, c.data.images.slice(192, 256))));
    }
    EXPECT_NE(ssim[0], ssim[1]) << kind;  // the mirrored pairs were trained on
    if (kind == "inverse_net") {
      EXPECT_GT(ssim[1], 0.3);  // and it learns with them
    }
  }
}

}  // namespace
}  // namespace splitleak::attack
