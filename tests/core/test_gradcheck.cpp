// The numeric gradient check every op of the engine registers with (through op_cases()):
// central differences of L = sum(out * w), w fixed random, accumulated in double, against the
// autograd gradient of every differentiable input. Inputs avoid kinks (op_cases.h).
#include <gtest/gtest.h>

#include <cmath>

#include "core/autograd.h"
#include "core/ops.h"
#include "tests/core/op_cases.h"

namespace splitleak::testing {
namespace {

double weighted_sum(const Tensor& out, const Tensor& w) {
  double acc = 0.0;
  for (int64_t i = 0; i < out.numel(); ++i) acc += static_cast<double>(out.data()[i]) * w.data()[i];
  return acc;
}

class GradCheck : public ::testing::TestWithParam<OpCase> {};

TEST_P(GradCheck, CentralDifferencesMatchAutograd) {
  const OpCase& c = GetParam();
  Generator gen(1234);
  std::vector<Tensor> inputs = make_inputs(c, gen);
  Tensor out = run_op(c, inputs);
  Tensor w = Tensor::empty(out.shape());
  init::uniform_(w, -1.0f, 1.0f, gen);
  std::vector<Tensor> wrt;
  for (const Tensor& t : inputs)
    if (t.requires_grad()) wrt.push_back(t);
  ASSERT_FALSE(wrt.empty()) << c.name << " has no differentiable input";
  const std::vector<Tensor> analytic = autograd::grad(ops::sum(ops::mul(out, w)), wrt);

  autograd::NoGradGuard no_grad;
  int checked = 0;
  for (size_t k = 0; k < wrt.size(); ++k) {
    Tensor x = wrt[k];
    const int64_t n = x.numel();
    // Up to 48 elements, evenly spread, first and last included.
    const int64_t samples = std::min<int64_t>(n, 48);
    for (int64_t s = 0; s < samples; ++s) {
      const int64_t i = samples == 1 ? 0 : s * (n - 1) / (samples - 1);
      const float saved = x.data()[i];
      x.data()[i] = saved + kGradStep;
      const double plus = weighted_sum(run_op(c, inputs), w);
      x.data()[i] = saved - kGradStep;
      const double minus = weighted_sum(run_op(c, inputs), w);
      x.data()[i] = saved;
      const double numeric = (plus - minus) / (2.0 * kGradStep);
      const double got = analytic[k].data()[i];
      EXPECT_NEAR(got, numeric, 5e-3 + 5e-3 * std::abs(numeric))
          << c.name << ": input " << k << " element " << i << " of " << shape_str(x.shape());
      ++checked;
    }
  }
  EXPECT_GT(checked, 0);
}

INSTANTIATE_TEST_SUITE_P(Ops, GradCheck, ::testing::ValuesIn(op_cases()),
                         [](const ::testing::TestParamInfo<OpCase>& info) { return info.param.name; });

// The check itself must be able to fail: a deliberately wrong backward is caught.
TEST(GradCheckHarness, CatchesAWrongBackward) {
  Generator gen(7);
  Tensor x = Tensor::empty({3, 4});
  init::uniform_(x, -1.0f, 1.0f, gen);
  x.set_requires_grad(true);
  // y = 2x with a backward that claims dy/dx = 3.
  Tensor y = autograd::record(ops::affine_scalar(x.detach(), 2.0f, 0.0f), {x}, "wrong",
                              [](const Tensor& go, std::span<Tensor> gi) {
                                for (int64_t i = 0; i < go.numel(); ++i) gi[0].data()[i] += 3.0f * go.data()[i];
                              });
  const std::vector<Tensor> g = autograd::grad(ops::sum(y), {x});
  autograd::NoGradGuard no_grad;
  const float saved = x.data()[0];
  x.data()[0] = saved + kGradStep;
  const double plus = ops::sum(ops::affine_scalar(x, 2.0f, 0.0f)).item();
  x.data()[0] = saved - kGradStep;
  const double minus = ops::sum(ops::affine_scalar(x, 2.0f, 0.0f)).item();
  const double numeric = (plus - minus) / (2.0 * kGradStep);
  EXPECT_GT(std::abs(g[0].data()[0] - numeric), 0.5);
}

}  // namespace
}  // namespace splitleak::testing
