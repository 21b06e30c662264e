// Same seed and thread count: bit-identical results, including the multi-threaded paths
// (per-image conv chunks with per-chunk weight-gradient partials).
#include <gtest/gtest.h>

#include "core/nn/layers.h"
#include "core/ops.h"
#include "core/parallel.h"

namespace splitleak {
namespace {

std::vector<std::vector<float>> conv_step(int threads) {
  set_num_threads(threads);
  Generator gen(5);
  Tensor x = Tensor::empty({3, 8, 40, 40});  // several row tiles per image, fewer images than chunks x 2
  init::uniform_(x, -1, 1, gen);
  x.set_requires_grad(true);
  nn::Conv2d conv(8, 16, 3, {{1, 1}, {1, 1}, {1, 1}, 1}, true, gen);
  nn::ConvTranspose2d up(16, 4, 4, {{2, 2}, {1, 1}, {0, 0}, {1, 1}, 1}, true, gen);
  Tensor loss = ops::mean(ops::mul(up(ops::relu(conv(x))), up(ops::relu(conv(x)))));
  loss.backward();
  return {{loss.item()}, x.grad().to_vector(), conv.weight.grad().to_vector(), up.weight.grad().to_vector()};
}

TEST(Determinism, SameThreadsBitIdentical) {
  for (int threads : {1, 2}) EXPECT_EQ(conv_step(threads), conv_step(threads)) << threads << " threads";
  set_num_threads(0);
}

TEST(Determinism, ThreadCountsAgreeClosely) {
  auto one = conv_step(1), two = conv_step(2);
  set_num_threads(0);
  for (size_t k = 0; k < one.size(); ++k)
    for (size_t i = 0; i < one[k].size(); ++i) ASSERT_NEAR(one[k][i], two[k][i], 1e-5 + 1e-4 * std::abs(one[k][i]));
}

TEST(Dropout, SeededMaskAndEvalIdentity) {
  Tensor x = Tensor::ones({1000});
  Generator a(9), b(9);
  Tensor ya = ops::dropout(x, 0.3f, true, a), yb = ops::dropout(x, 0.3f, true, b);
  EXPECT_EQ(ya.to_vector(), yb.to_vector());
  int zeros = 0;
  for (float v : ya.to_vector()) {
    if (v == 0.0f) ++zeros;
    else EXPECT_FLOAT_EQ(v, 1.0f / 0.7f);
  }
  EXPECT_NEAR(zeros, 300, 50);
  EXPECT_EQ(ops::dropout(x, 0.3f, false, a).to_vector(), x.to_vector());
}

}  // namespace
}  // namespace splitleak
