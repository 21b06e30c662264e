// The baselines that need no feature map: the mean auxiliary image, and the class prior (the mean
// auxiliary image of the target's predicted class, the overall mean for an unseen class).
#include <gtest/gtest.h>

#include "attack/baselines.h"
#include "core/error.h"

namespace splitleak::attack {
namespace {

// Four 1x1x2 auxiliary images: class 0 holds (0, 1) and (2, 3), class 1 holds (4, 5) and (6, 7).
TensorSamples aux() {
  Tensor t = Tensor::empty({4, 1, 1, 2});
  for (int64_t i = 0; i < 8; ++i) t.data()[i] = static_cast<float>(i);
  return TensorSamples(t);
}

TEST(Baselines, MeanImageRepeated) {
  const Tensor m = mean_image_baseline(aux(), 3);
  EXPECT_EQ(m.shape(), (Shape{3, 1, 1, 2}));
  EXPECT_EQ(m.to_vector(), (std::vector<float>{3, 4, 3, 4, 3, 4}));
  EXPECT_THROW(mean_image_baseline(TensorSamples(Tensor::empty({0, 1, 1, 2})), 1), Error);
}

TEST(Baselines, ClassPriorIsTheMeanOfThePredictedClass) {
  const Tensor p = class_prior_baseline(aux(), {0, 0, 1, 1}, {1, 0, 7});
  EXPECT_EQ(p.shape(), (Shape{3, 1, 1, 2}));
  // class 1 -> (5, 6); class 0 -> (1, 2); class 7 has no auxiliary image -> the overall mean (3, 4).
  EXPECT_EQ(p.to_vector(), (std::vector<float>{5, 6, 1, 2, 3, 4}));
  EXPECT_THROW(class_prior_baseline(aux(), {0, 1}, {0}), Error);
}

TEST(Baselines, RowsReadInBatchesGiveTheSameMeans) {
  Tensor t = Tensor::empty({600, 1, 2, 2});  // more rows than one read
  for (int64_t i = 0; i < t.numel(); ++i) t.data()[i] = static_cast<float>((i * 7919) % 1000) / 997.0f;
  std::vector<int64_t> classes(600), rows(600);
  for (int64_t i = 0; i < 600; ++i) classes[static_cast<size_t>(i)] = i % 3, rows[static_cast<size_t>(i)] = i;
  const SamplesPtr whole = in_memory(t), by_rows = subset(whole, rows);  // a subset is read by batches
  EXPECT_EQ(mean_image_baseline(*by_rows, 2).to_vector(), mean_image_baseline(*whole, 2).to_vector());
  EXPECT_EQ(class_prior_baseline(*by_rows, classes, {2, 0, 5}).to_vector(),
            class_prior_baseline(*whole, classes, {2, 0, 5}).to_vector());
  double sum = 0;  // class 2: rows 2, 5, ..., element 0 of each
  for (int64_t i = 2; i < 600; i += 3) sum += t.data()[i * 4];
  EXPECT_EQ(class_prior_baseline(*whole, classes, {2}).data()[0], static_cast<float>(sum / 200.0));
}

}  // namespace
}  // namespace splitleak::attack
