// The baselines that need no feature map: the mean auxiliary image, and the class prior (the mean
// auxiliary image of the target's predicted class, the overall mean for an unseen class).
#include <gtest/gtest.h>

#include "attack/baselines.h"
#include "core/error.h"

namespace splitleak::attack {
namespace {

// Four 1x1x2 auxiliary images: class 0 holds (0, 1) and (2, 3), class 1 holds (4, 5) and (6, 7).
Tensor aux() {
  Tensor t = Tensor::empty({4, 1, 1, 2});
  for (int64_t i = 0; i < 8; ++i) t.data()[i] = static_cast<float>(i);
  return t;
}

TEST(Baselines, MeanImageRepeated) {
  const Tensor m = mean_image_baseline(aux(), 3);
  EXPECT_EQ(m.shape(), (Shape{3, 1, 1, 2}));
  EXPECT_EQ(m.to_vector(), (std::vector<float>{3, 4, 3, 4, 3, 4}));
  EXPECT_THROW(mean_image_baseline(Tensor::empty({0, 1, 1, 2}), 1), Error);
}

TEST(Baselines, ClassPriorIsTheMeanOfThePredictedClass) {
  const Tensor p = class_prior_baseline(aux(), {0, 0, 1, 1}, {1, 0, 7});
  EXPECT_EQ(p.shape(), (Shape{3, 1, 1, 2}));
  // class 1 -> (5, 6); class 0 -> (1, 2); class 7 has no auxiliary image -> the overall mean (3, 4).
  EXPECT_EQ(p.to_vector(), (std::vector<float>{5, 6, 1, 2, 3, 4}));
  EXPECT_THROW(class_prior_baseline(aux(), {0, 1}, {0}), Error);
}

}  // namespace
}  // namespace splitleak::attack
