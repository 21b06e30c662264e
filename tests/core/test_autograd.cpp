#include <gtest/gtest.h>

#include "core/autograd.h"
#include "core/error.h"
#include "core/ops.h"

namespace splitleak {
namespace {

Tensor leaf(std::vector<float> v) {
  Tensor t = Tensor::from_vector({static_cast<int64_t>(v.size())}, v);
  t.set_requires_grad(true);
  return t;
}

TEST(Autograd, GradientsAccumulateUntilZeroed) {
  Tensor x = leaf({1, 2, 3});
  ops::sum(ops::mul(x, x)).backward();  // d/dx sum(x^2) = 2x
  EXPECT_EQ(x.grad().to_vector(), (std::vector<float>{2, 4, 6}));
  ops::sum(x).backward();
  EXPECT_EQ(x.grad().to_vector(), (std::vector<float>{3, 5, 7}));
  x.zero_grad();
  EXPECT_FALSE(x.grad().defined());
}

TEST(Autograd, SharedSubexpressionsSumTheirPaths) {
  Tensor x = leaf({2});
  Tensor y = ops::mul(x, x);                // x^2
  Tensor z = ops::add(ops::mul(y, x), y);   // x^3 + x^2
  z.backward();
  EXPECT_FLOAT_EQ(x.grad().item(), 3 * 4 + 2 * 2);
}

TEST(Autograd, NoGradRecordsNothing) {
  Tensor x = leaf({1, 2});
  Tensor y;
  {
    autograd::NoGradGuard guard;
    EXPECT_FALSE(autograd::grad_enabled());
    y = ops::mul(x, x);
  }
  EXPECT_TRUE(autograd::grad_enabled());
  EXPECT_FALSE(y.requires_grad());
  EXPECT_TRUE(y.is_leaf());
}

TEST(Autograd, DetachCutsTheGraph) {
  Tensor x = leaf({3});
  Tensor y = ops::mul(x.detach(), x);  // d/dx = x (the detached factor is a constant)
  y.backward();
  EXPECT_FLOAT_EQ(x.grad().item(), 3.0f);
}

TEST(Autograd, GradWithRespectToAnIntermediate) {
  // What a GAN generator needs: the gradient of D's loss with respect to D's input, which is
  // G's output, without touching D's parameters' grad().
  Tensor g_param = leaf({0.5f, -1.0f});
  Tensor d_param = leaf({2.0f, 3.0f});
  Tensor fake = ops::mul_scalar(g_param, 2.0f);
  Tensor d_out = ops::sum(ops::mul(fake, d_param));
  auto grads = autograd::grad(d_out, {fake, g_param});
  EXPECT_EQ(grads[0].to_vector(), (std::vector<float>{2, 3}));
  EXPECT_EQ(grads[1].to_vector(), (std::vector<float>{4, 6}));
  EXPECT_FALSE(d_param.grad().defined());
  EXPECT_FALSE(g_param.grad().defined());
}

TEST(Autograd, ExplicitOutputGradient) {
  Tensor x = leaf({1, 2, 3});
  Tensor y = ops::mul(x, x);
  auto g = autograd::grad(y, {x}, Tensor::from_vector({3}, {1, 0, -1}));  // 2x * seed
  EXPECT_EQ(g[0].to_vector(), (std::vector<float>{2, 0, -6}));
  EXPECT_THROW(autograd::grad(y, {x}, Tensor::ones({2})), Error);
}

TEST(Autograd, BackwardNeedsAScalar) {
  Tensor x = leaf({1, 2});
  EXPECT_THROW(ops::mul(x, x).backward(), Error);
}

TEST(Autograd, OnlyNeededInputGradientsAreComputed) {
  // A conv whose input does not require a gradient gets an undefined input slot.
  Tensor x = Tensor::ones({1, 1, 3, 3});
  Tensor w = Tensor::ones({1, 1, 3, 3});
  w.set_requires_grad(true);
  ops::Conv2dOptions o;
  o.padding = {1, 1};
  ops::sum(ops::conv2d(x, w, Tensor(), o)).backward();
  EXPECT_FALSE(x.grad().defined());
  // Each weight tap sees the input pixels it overlaps: 9 at the centre, 4 in the corners.
  EXPECT_FLOAT_EQ(w.grad().data()[4], 9.0f);
  EXPECT_FLOAT_EQ(w.grad().data()[0], 4.0f);
}

TEST(Autograd, GradSkipsInputsOffThePathsToWhatItReturns) {
  // grad() wrt the generator's parameter: the discriminator's parameter gets no slot, so its op
  // computes no gradient for it, and ops that lead to no target do not run.
  Tensor g_param = leaf({0.5f, -1.0f});
  Tensor d_param = leaf({2.0f, 3.0f});
  Tensor unrelated = leaf({1.0f, 1.0f});
  std::vector<bool> slots_given;
  int unrelated_runs = 0;
  const Tensor fake = ops::mul_scalar(g_param, 2.0f);
  const Tensor judged = autograd::record(ops::mul(fake.detach(), d_param.detach()), {fake, d_param}, "judge",
                                         [&](const Tensor& go, std::span<Tensor> gi) {
                                           slots_given = {gi[0].defined(), gi[1].defined()};
                                           ops::add_into(gi[0], ops::mul(go, d_param.detach()));
                                         });
  const Tensor side = autograd::record(unrelated.detach().clone(), {unrelated}, "side",
                                       [&](const Tensor&, std::span<Tensor>) { ++unrelated_runs; });
  const Tensor loss = ops::add(ops::sum(judged), ops::sum(side));
  const std::vector<Tensor> grads = autograd::grad(loss, {g_param});
  EXPECT_EQ(slots_given, (std::vector<bool>{true, false}));
  EXPECT_EQ(unrelated_runs, 0);
  EXPECT_EQ(grads[0].to_vector(), (std::vector<float>{4, 6}));
  // backward() reaches every leaf that requires a gradient.
  loss.backward();
  EXPECT_EQ(slots_given, (std::vector<bool>{true, true}));
  EXPECT_EQ(unrelated_runs, 1);
}

}  // namespace
}  // namespace splitleak
