// map_in_batches: slices in order, the last one shorter, outputs stacked, progress after each.
#include <gtest/gtest.h>

#include <vector>

#include "core/batches.h"
#include "core/error.h"
#include "core/ops.h"

namespace splitleak {
namespace {

TEST(MapInBatches, StacksTheSlicesOutputsInOrder) {
  std::vector<float> values(7 * 2);
  for (size_t i = 0; i < values.size(); ++i) values[i] = static_cast<float>(i);
  const Tensor x = Tensor::from_vector({7, 2}, values);
  std::vector<int64_t> rows;
  std::vector<std::pair<int64_t, int64_t>> progress;
  const Tensor y = map_in_batches(
      x, 3,
      [&](const Tensor& part) {
        rows.push_back(part.size(0));
        return ops::mul_scalar(part, 2.0f);
      },
      [&](int64_t done, int64_t total) { progress.emplace_back(done, total); });
  EXPECT_EQ(rows, (std::vector<int64_t>{3, 3, 1}));
  EXPECT_EQ(progress, (std::vector<std::pair<int64_t, int64_t>>{{3, 7}, {6, 7}, {7, 7}}));
  ASSERT_EQ(y.shape(), (Shape{7, 2}));
  for (size_t i = 0; i < values.size(); ++i) EXPECT_EQ(y.data()[i], 2.0f * values[i]);
}

TEST(MapInBatches, RefusesABadBatchAndAWrongRowCount) {
  const Tensor x = Tensor::zeros({4, 3});
  EXPECT_THROW(map_in_batches(x, 0, [](const Tensor& part) { return part; }), Error);
  EXPECT_THROW(map_in_batches(x, 2, [](const Tensor& part) { return part.slice(0, 1); }), Error);
}

TEST(GatherRows, CopiesTheRowsInOrderWithRepeats) {
  Tensor t = Tensor::empty({4, 2});
  for (int64_t i = 0; i < 8; ++i) t.data()[i] = static_cast<float>(i);
  const Tensor g = gather_rows(t, {3, 0, 3});
  EXPECT_EQ(g.shape(), (Shape{3, 2}));
  EXPECT_EQ(g.to_vector(), (std::vector<float>{6, 7, 0, 1, 6, 7}));
  EXPECT_EQ(gather_rows(t, {}).size(0), 0);
  EXPECT_THROW(gather_rows(t, {4}), Error);
  EXPECT_THROW(gather_rows(t, {-1}), Error);
}

}  // namespace
}  // namespace splitleak
