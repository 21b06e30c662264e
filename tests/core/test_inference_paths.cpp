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

// One case per conv path the fused kernel maps outputs on (conv2d.cpp): blocks of images, row
// tiles over images, one tile per thread at batch 1, a whole-image GEMM split over threads, a
// pointwise GEMM, Winograd with half tiles at the edges, one output channel, groups, depthwise.
TEST(InferencePaths, FusedConvBatchNormResidualReluEqualsTheSeparateOpsOnEveryPath) {
  struct Case {
    const char* path;
    Shape x, w;
    ops::Conv2dOptions o;
    bool bias;
  };
  const Case cases[] = {
      {"image blocks", {2, 3, 6, 6}, {4, 3, 3, 3}, {{1, 1}, {1, 1}, {1, 1}, 1}, false},
      {"row tiles", {3, 8, 30, 30}, {16, 8, 3, 3}, {{2, 2}, {1, 1}, {1, 1}, 1}, true},
      {"a tile per thread", {1, 16, 20, 20}, {24, 16, 3, 3}, {{1, 1}, {1, 1}, {1, 1}, 1}, false},
      {"whole-image split", {1, 64, 7, 7}, {96, 64, 3, 3}, {{1, 1}, {1, 1}, {1, 1}, 1}, true},
      {"pointwise", {1, 32, 20, 20}, {48, 32, 1, 1}, {}, false},
      {"winograd", {1, 64, 23, 23}, {64, 64, 3, 3}, {{1, 1}, {1, 1}, {1, 1}, 1}, false},
      {"one output channel", {2, 8, 9, 9}, {1, 8, 3, 3}, {{1, 1}, {1, 1}, {1, 1}, 1}, true},
      {"groups", {2, 16, 10, 10}, {16, 8, 3, 3}, {{1, 1}, {1, 1}, {1, 1}, 2}, true},
      {"depthwise", {2, 8, 10, 10}, {8, 1, 3, 3}, {{1, 1}, {1, 1}, {1, 1}, 8}, false},
  };
  uint64_t seed = 11;
  for (const Case& c : cases) {
    const int64_t channels = c.w[0];
    const Tensor x = random_tensor(c.x, ++seed), w = random_tensor(c.w, ++seed);
    const Tensor bias = c.bias ? random_tensor({channels}, ++seed) : Tensor();
    const Tensor gamma = random_tensor({channels}, ++seed), beta = random_tensor({channels}, ++seed);
    const Tensor mean = random_tensor({channels}, ++seed);
    Tensor var = random_tensor({channels}, ++seed);
    for (float& v : std::span(var.data(), static_cast<size_t>(channels))) v = std::fabs(v) + 0.1f;
    const ops::BatchNormEval norm{gamma, beta, mean, var, 1e-5f};
    autograd::NoGradGuard no_grad;
    const Tensor bn = ops::batch_norm(ops::conv2d(x, w, bias, c.o), gamma, beta, mean, var, false);
    EXPECT_EQ(ops::conv2d_bn_relu_eval(x, w, bias, c.o, norm, false).to_vector(), bn.to_vector()) << c.path;
    EXPECT_EQ(ops::conv2d_bn_relu_eval(x, w, bias, c.o, norm, true).to_vector(), ops::relu(bn).to_vector()) << c.path;
    // The conv output's shape, and one that broadcasts (1, C, 1, 1) as `add` does.
    Shape per_channel = {1, channels, 1, 1};
    for (const Tensor& residual : {random_tensor(bn.shape(), ++seed), random_tensor(per_channel, ++seed)}) {
      const Tensor sum = ops::add(bn, residual);
      const Tensor fused = ops::conv2d_bn_relu_eval(x, w, bias, c.o, norm, true, residual);
      EXPECT_EQ(fused.shape(), sum.shape()) << c.path;
      EXPECT_EQ(fused.to_vector(), ops::relu(sum).to_vector()) << c.path << " " << shape_str(residual.shape());
      const Tensor no_relu = ops::conv2d_bn_relu_eval(x, w, bias, c.o, norm, false, residual);
      EXPECT_EQ(no_relu.to_vector(), sum.to_vector()) << c.path << " " << shape_str(residual.shape());
    }
  }
}

}  // namespace
}  // namespace splitleak
