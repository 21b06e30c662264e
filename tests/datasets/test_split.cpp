#include <gtest/gtest.h>

#include <algorithm>

#include "core/error.h"
#include "datasets/image_set.h"
#include "datasets/split.h"

namespace splitleak::datasets {
namespace {

TEST(Split, SeededAndDisjointAndComplete) {
  const Split a = seeded_split(1000, 0.8, 42), b = seeded_split(1000, 0.8, 42), c = seeded_split(1000, 0.8, 43);
  EXPECT_EQ(a.first, b.first);
  EXPECT_EQ(a.second, b.second);
  EXPECT_NE(a.first, c.first);
  EXPECT_EQ(a.first.size(), 800u);
  EXPECT_EQ(a.second.size(), 200u);
  std::vector<int64_t> all = a.first;
  all.insert(all.end(), a.second.begin(), a.second.end());
  std::sort(all.begin(), all.end());
  for (int64_t i = 0; i < 1000; ++i) ASSERT_EQ(all[static_cast<size_t>(i)], i);
  EXPECT_THROW(seeded_split(10, 1.5, 0), Error);
}

TEST(Split, PermutationIsPinned) {
  // The same seed must give the same order on every machine and build (mt19937_64 and our own
  // Fisher-Yates): a change here silently changes every experiment's data split.
  EXPECT_EQ(seeded_permutation(10, 7), (std::vector<int64_t>{0, 7, 4, 9, 3, 1, 2, 8, 6, 5}));
}

TEST(ImageSet, SubsetCopiesRowsAndLabels) {
  ImageSet s{Tensor::from_vector({3, 1, 1, 2}, {0, 1, 2, 3, 4, 5}), {0, 1, 1}, {"a", "b"}};
  const ImageSet t = s.subset({2, 0});
  EXPECT_EQ(t.images.to_vector(), (std::vector<float>{4, 5, 0, 1}));
  EXPECT_EQ(t.labels, (std::vector<int64_t>{1, 0}));
  EXPECT_EQ(s.class_counts(), (std::vector<int64_t>{1, 2}));
  EXPECT_THROW(s.subset({3}), Error);
  const ImageSet batch = s.slice(1, 3);
  EXPECT_EQ(batch.labels, (std::vector<int64_t>{1, 1}));
  EXPECT_TRUE(batch.images.same_storage(s.images));
  EXPECT_EQ(batch.images.to_vector(), (std::vector<float>{2, 3, 4, 5}));
  EXPECT_THROW(s.slice(2, 4), Error);
}

}  // namespace
}  // namespace splitleak::datasets
