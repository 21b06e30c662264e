// Ops that take another code path when no gradient is recorded (inference) or for small batches
// give the values of the path the op table cross-checks against PyTorch.
#include <gtest/gtest.h>

#include <cmath>
#include <span>

#include "core/autograd.h"
#include "core/ops.h"
#include "core/random.h"

namespace splitleak {
namespace {

Tensor random_tensor(const Shape& shape, uint64_t seed) {
  Tensor t = Tensor::empty(shape);
  Generator gen(seed);
  init::uniform_(t, -1.0f, 1.0f, gen);
  return t;
}

TEST(InferencePaths, MaxPoolWithoutGradientEqualsTheRecordedPath) {
  const ops::Pool2dOptions cases[] = {
      {{2, 2}, {2, 2}, {0, 0}, false, true}, {{3, 3}, {2, 2}, {1, 1}, false, true},
      {{3, 3}, {2, 2}, {1, 1}, true, true},  {{3, 3}, {1, 1}, {1, 1}, false, true},
      {{2, 3}, {1, 2}, {1, 1}, true, true},
  };
  for (const auto& o : cases) {
    const Tensor x = random_tensor({2, 3, 11, 10}, 4);
    Tensor xg = x.clone();
    xg.set_requires_grad(true);
    const Tensor recorded = ops::max_pool2d(xg, o);
    Tensor plain;
    {
      autograd::NoGradGuard no_grad;
      plain = ops::max_pool2d(x, o);
    }
    EXPECT_EQ(plain.to_vector(), recorded.to_vector()) << "kernel " << o.kernel[0] << "x" << o.kernel[1];
  }
}

TEST(InferencePaths, ConvOfOneImageEqualsItsRowInABatch) {
  // Batch 1 runs whole-image GEMMs; larger batches run cache-sized tiles.
  struct Case {
    Shape x, w;
    ops::Conv2dOptions o;
  };
  const Case cases[] = {{{4, 64, 14, 14}, {32, 64, 3, 3}, {{1, 1}, {1, 1}, {1, 1}, 1}},
                        {{4, 64, 56, 56}, {32, 64, 1, 1}, {}},
                        {{4, 16, 30, 30}, {16, 16, 3, 3}, {{2, 2}, {1, 1}, {1, 1}, 1}}};
  for (const auto& c : cases) {
    const Tensor x = random_tensor(c.x, 1), w = random_tensor(c.w, 2);
    autograd::NoGradGuard no_grad;
    const Tensor batch = ops::conv2d(x, w, Tensor(), c.o);
    const Tensor one = ops::conv2d(x.slice(2, 3).clone(), w, Tensor(), c.o);
    const std::vector<float> a = one.to_vector(), b = batch.slice(2, 3).to_vector();
    ASSERT_EQ(a.size(), b.size());
    for (size_t i = 0; i < a.size(); ++i) ASSERT_NEAR(a[i], b[i], 1e-4f * (1.0f + std::fabs(b[i]))) << i;
  }
}

TEST(InferencePaths, FusedConvBatchNormResidualReluEqualsTheSeparateOps) {
  const Tensor x = random_tensor({2, 3, 6, 6}, 11), w = random_tensor({4, 3, 3, 3}, 12);
  const Tensor gamma = random_tensor({4}, 13), beta = random_tensor({4}, 14), mean = random_tensor({4}, 15);
  Tensor var = random_tensor({4}, 16);
  for (float& v : std::span(var.data(), 4)) v = std::fabs(v) + 0.1f;
  ops::Conv2dOptions o;
  o.padding = {1, 1};
  autograd::NoGradGuard no_grad;
  const Tensor bn = ops::batch_norm(ops::conv2d(x, w, Tensor(), o), gamma, beta, mean, var, false);
  // The conv output's shape, and one that broadcasts (1, C, 1, 1) as `add` does.
  for (const Tensor& residual : {random_tensor({2, 4, 6, 6}, 17), random_tensor({1, 4, 1, 1}, 18)}) {
    const Tensor separate = ops::relu(ops::add(bn, residual));
    const Tensor fused = ops::conv2d_bn_relu_eval(x, w, Tensor(), o, {gamma, beta, mean, var, 1e-5f}, true, residual);
    EXPECT_EQ(fused.shape(), separate.shape());
    EXPECT_EQ(fused.to_vector(), separate.to_vector()) << shape_str(residual.shape());
    const Tensor no_relu = ops::conv2d_bn_relu_eval(x, w, Tensor(), o, {gamma, beta, mean, var, 1e-5f}, false, residual);
    EXPECT_EQ(no_relu.to_vector(), ops::add(bn, residual).to_vector()) << shape_str(residual.shape());
  }
}

}  // namespace
}  // namespace splitleak
