// Every op case against PyTorch (float64) on the same inputs: forward within 1e-4 and every
// input gradient within 1e-3, relative to the reference's largest magnitude.
#include <gtest/gtest.h>

#include <cmath>

#include "core/autograd.h"
#include "core/hdf5_io.h"
#include "core/ops.h"
#include "tests/core/op_cases.h"
#include "tests/core/reference_paths.h"

namespace splitleak::testing {
namespace {

// max |a - b| / max(max |b|, 1e-6)
double relative_error(const Tensor& a, const Tensor& b) {
  double diff = 0.0, scale = 1e-6;
  for (int64_t i = 0; i < b.numel(); ++i) {
    diff = std::max(diff, std::abs(static_cast<double>(a.data()[i]) - b.data()[i]));
    scale = std::max(scale, std::abs(static_cast<double>(b.data()[i])));
  }
  return diff / scale;
}

class TorchReference : public ::testing::TestWithParam<OpCase> {};

TEST_P(TorchReference, ForwardAndGradientsMatch) {
  const OpCase& c = GetParam();
  const std::string file = reference_file("torch_ops.h5");
  std::vector<Tensor> inputs;
  for (size_t i = 0; i < c.inputs.size(); ++i) {
    Tensor t = h5::read_tensor(file, c.name + "/in" + std::to_string(i));
    ASSERT_EQ(t.shape(), c.inputs[i].shape) << c.name << " input " << i;
    if (c.inputs[i].grad) t.set_requires_grad(true);
    inputs.push_back(t);
  }
  Tensor out = run_op(c, inputs);
  const Tensor ref_out = h5::read_tensor(file, c.name + "/out");
  ASSERT_EQ(out.shape(), ref_out.shape()) << c.name;
  EXPECT_LE(relative_error(out, ref_out), 1e-4) << c.name << " forward";

  std::vector<Tensor> wrt;
  std::vector<size_t> index;
  for (size_t i = 0; i < inputs.size(); ++i)
    if (inputs[i].requires_grad()) wrt.push_back(inputs[i]), index.push_back(i);
  const Tensor w = h5::read_tensor(file, c.name + "/w");
  const std::vector<Tensor> grads = autograd::grad(ops::sum(ops::mul(out, w)), wrt);
  for (size_t k = 0; k < grads.size(); ++k) {
    const Tensor ref = h5::read_tensor(file, c.name + "/grad" + std::to_string(index[k]));
    ASSERT_EQ(grads[k].shape(), ref.shape());
    EXPECT_LE(relative_error(grads[k], ref), 1e-3) << c.name << " gradient of input " << index[k];
  }
  if (c.op == "batch_norm" && c.attrs.at("training").get<bool>()) {
    EXPECT_LE(relative_error(inputs[3], h5::read_tensor(file, c.name + "/running_mean")), 1e-4) << "running mean";
    EXPECT_LE(relative_error(inputs[4], h5::read_tensor(file, c.name + "/running_var")), 1e-4) << "running var";
  }
}

INSTANTIATE_TEST_SUITE_P(Ops, TorchReference, ::testing::ValuesIn(op_cases()),
                         [](const ::testing::TestParamInfo<OpCase>& info) { return info.param.name; });

}  // namespace
}  // namespace splitleak::testing
