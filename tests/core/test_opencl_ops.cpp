// Every case of the op table (op_cases()) on the machine's OpenCL device (PoCL here) against the
// CPU engine, in the style of ggml's test-backend-ops: the same seeded inputs on both, forward
// within 1e-4 and the gradients of L = sum(out * w) (w fixed random) within 1e-3. Every op in the
// table has OpenCL kernels, so a case added without them fails here.
#include <gtest/gtest.h>

#include <cstdlib>

#include <algorithm>
#include <cmath>
#include <string>

#include "core/autograd.h"
#include "core/error.h"
#include "core/ops.h"
#include "tests/core/op_cases.h"

namespace splitleak::testing {
namespace {

// The device the op table judges: SPLITLEAK_TEST_DEVICE (opencl:P:D; scripts/gpu_check.sh sets
// it to a GPU), else the first platform's first device.
const Device kDevice = parse_device(std::getenv("SPLITLEAK_TEST_DEVICE") ? std::getenv("SPLITLEAK_TEST_DEVICE") : "opencl");

// Copies of `inputs` on `device` as leaves, requiring a gradient where the original does.
std::vector<Tensor> leaves_on(const std::vector<Tensor>& inputs, const Device& device) {
  std::vector<Tensor> out;
  for (const Tensor& t : inputs) {
    Tensor d = t.detach().to(device);
    if (t.requires_grad()) d.set_requires_grad(true);
    out.push_back(d);
  }
  return out;
}

struct Result {
  std::vector<float> out;
  std::vector<std::vector<float>> grads;  // per differentiable input, in order
};

// The op on `inputs`, and the gradients of sum(out * w) (w moved to the inputs' device).
Result run_case(const OpCase& c, const std::vector<Tensor>& inputs, const Tensor& w) {
  Tensor out = run_op(c, inputs);
  std::vector<Tensor> wrt;
  for (const Tensor& t : inputs)
    if (t.requires_grad()) wrt.push_back(t);
  Result r{out.to_vector(), {}};
  for (const Tensor& g : autograd::grad(ops::sum(ops::mul(out, w.to(out.device()))), wrt)) r.grads.push_back(g.to_vector());
  return r;
}

// max |got - want| / (1 + |want|) over the elements.
double worst_error(const std::vector<float>& got, const std::vector<float>& want) {
  double worst = 0.0;
  for (size_t i = 0; i < want.size(); ++i) worst = std::max(worst, std::abs(double(got[i]) - want[i]) / (1.0 + std::abs(want[i])));
  return worst;
}

class OpenClOps : public ::testing::TestWithParam<OpCase> {};

TEST_P(OpenClOps, MatchesTheCpuEngine) {
  const OpCase& c = GetParam();
  Generator gen(1234);
  const std::vector<Tensor> cpu_inputs = make_inputs(c, gen);
  const std::vector<Tensor> device_inputs = leaves_on(cpu_inputs, kDevice);
  const Tensor probe = run_op(c, cpu_inputs);
  Tensor w = Tensor::empty(probe.shape());
  init::uniform_(w, -1.0f, 1.0f, gen);
  const Result want = run_case(c, cpu_inputs, w), got = run_case(c, device_inputs, w);
  ASSERT_EQ(got.out.size(), want.out.size());
  EXPECT_LE(worst_error(got.out, want.out), 1e-4) << c.name << " forward";
  ASSERT_EQ(got.grads.size(), want.grads.size());
  for (size_t k = 0; k < want.grads.size(); ++k)
    EXPECT_LE(worst_error(got.grads[k], want.grads[k]), 1e-3) << c.name << " gradient of input " << k;
}

INSTANTIATE_TEST_SUITE_P(Ops, OpenClOps, ::testing::ValuesIn(op_cases()),
                         [](const ::testing::TestParamInfo<OpCase>& info) { return info.param.name; });

// The comparison itself can fail: a device result off by 1e-3 is caught.
TEST(OpenClOpsHarness, CatchesAWrongResult) {
  EXPECT_GT(worst_error({1.0f, 2.001f}, {1.0f, 2.0f}), 1e-4);
  EXPECT_LE(worst_error({1.0f, 2.0f}, {1.0f, 2.0f}), 0.0);
}

}  // namespace
}  // namespace splitleak::testing
