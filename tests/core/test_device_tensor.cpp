// Tensors on an OpenCL device (PoCL here): explicit, counted moves between host and device;
// device-side fill, copy, clone and views; a differentiable to(); clear errors for host reads of
// device memory, mixed devices and memory a device cannot hold; a training step that moves
// nothing but its loss; bit-identical sums run to run.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "core/autograd.h"
#include "core/error.h"
#include "core/opencl/context.h"
#include "core/opencl/memory.h"
#include "core/ops.h"
#include "core/random.h"

namespace splitleak {
namespace {

const Device kDevice = parse_device("opencl");
const Device kCpu{};

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(DeviceTensor, MovesAreExplicitCountedAndExact) {
  const Tensor host = Tensor::from_vector({2, 3}, {1, -2, 3.5f, 4, 5, -6});
  const opencl::Transfers before = opencl::transfers();
  const Tensor on_device = host.to(kDevice);
  EXPECT_EQ(on_device.device(), kDevice);
  EXPECT_TRUE(on_device.on_device());
  EXPECT_EQ(on_device.shape(), host.shape());
  const Tensor back = on_device.to(kCpu);
  const opencl::Transfers after = opencl::transfers();
  EXPECT_EQ(after.uploads - before.uploads, 1);
  EXPECT_EQ(after.downloads - before.downloads, 1);
  EXPECT_EQ(after.bytes_uploaded - before.bytes_uploaded, 24);
  EXPECT_EQ(back.to_vector(), host.to_vector());
  EXPECT_TRUE(on_device.to(kDevice).same_storage(on_device));
}

TEST(DeviceTensor, HostReadsOfDeviceMemoryFail) {
  const Tensor t = Tensor::zeros({4}, kDevice);
  EXPECT_NE(error_of([&] { (void)t.data(); }).find("was read on the host"), std::string::npos);
  EXPECT_EQ(t.to_vector(), std::vector<float>(4, 0.0f));  // an explicit, counted download
}

TEST(DeviceTensor, FillCopyCloneAndViewsStayOnTheDevice) {
  Tensor t = Tensor::full({3, 2}, 2.5f, kDevice);
  const Tensor rows = Tensor::from_vector({3, 2}, {1, 2, 3, 4, 5, 6}).to(kDevice);
  const opencl::Transfers before = opencl::transfers();
  t.slice(1, 3).copy_from(rows.slice(0, 2));
  const Tensor copy = t.clone();
  t.fill(0.0f);
  const opencl::Transfers after = opencl::transfers();
  EXPECT_EQ(after.uploads, before.uploads);
  EXPECT_EQ(after.downloads, before.downloads);
  EXPECT_EQ(copy.to_vector(), (std::vector<float>{2.5f, 2.5f, 1, 2, 3, 4}));
  EXPECT_EQ(copy.slice(2, 3).to_vector(), (std::vector<float>{3, 4}));
  EXPECT_EQ(copy.view({6}).slice(5, 6).item(), 4.0f);
  EXPECT_EQ(t.to_vector(), std::vector<float>(6, 0.0f));
}

TEST(DeviceTensor, ToIsDifferentiable) {
  Tensor x = Tensor::from_vector({3}, {1, 2, 3}).set_requires_grad(true);
  const Tensor y = ops::mul(x.to(kDevice), Tensor::from_vector({3}, {4, 5, 6}).to(kDevice));
  ops::sum(y).backward();
  ASSERT_TRUE(x.grad().defined());
  EXPECT_FALSE(x.grad().on_device());
  EXPECT_EQ(x.grad().to_vector(), (std::vector<float>{4, 5, 6}));
}

TEST(DeviceTensor, MixedDevicesAndMissingKernelsNameTheOp) {
  const Tensor a = Tensor::ones({2, 2}), b = Tensor::ones({2, 2}, kDevice);
  const std::string mixed = error_of([&] { ops::add(a, b); });
  EXPECT_NE(mixed.find("add: inputs on cpu and opencl:0:0"), std::string::npos) << mixed;
  const std::string missing = error_of([&] { ops::add_relu_eval(b, b); });
  EXPECT_NE(missing.find("add_relu_eval has no OpenCL kernel"), std::string::npos) << missing;
}

TEST(DeviceTensor, MemoryIsCheckedBeforeUseAndReturned) {
  const size_t in_use = opencl::bytes_in_use(kDevice);
  {
    const Tensor t = Tensor::empty({1000}, kDevice);
    EXPECT_EQ(opencl::bytes_in_use(kDevice), in_use + 4000);
  }
  EXPECT_EQ(opencl::bytes_in_use(kDevice), in_use);
  const std::string huge = error_of([] { Tensor::empty({int64_t(1) << 40}, kDevice); });
  EXPECT_NE(huge.find("device opencl:0:0"), std::string::npos) << huge;
  EXPECT_EQ(opencl::bytes_in_use(kDevice), in_use);
}

TEST(DeviceTensor, SumsAreBitIdenticalRunToRun) {
  Generator gen(5);
  Tensor x = Tensor::empty({100003});
  init::uniform_(x, -1.0f, 1.0f, gen);
  const Tensor d = x.to(kDevice);
  const float first = ops::sum(d).item();
  for (int i = 0; i < 3; ++i) EXPECT_EQ(ops::sum(d).item(), first);
  EXPECT_NEAR(first, ops::sum(x).item(), 1e-2);
}

TEST(DeviceTensor, DropoutMasksMatchTheCpuBitForBit) {
  const std::vector<float> cpu = ops::keep_mask({4, 1000}, 0.3f, 77).to_vector();
  EXPECT_EQ(ops::keep_mask({4, 1000}, 0.3f, 77, kDevice).to_vector(), cpu);
  double kept = 0.0;
  for (float m : cpu) kept += m;
  EXPECT_NEAR(kept / cpu.size(), 0.7, 0.03);
  EXPECT_NE(ops::keep_mask({4, 1000}, 0.3f, 78).to_vector(), cpu);
}

// A regression step on the device (linear, tanh, concat, MSE, SGD by tensor ops) moves one float
// per step, its loss, once warmed up.
TEST(DeviceTensor, ATrainingStepMovesOnlyItsLoss) {
  Generator gen(9);
  Tensor x = Tensor::empty({16, 8}), target = Tensor::empty({16, 6}), w = Tensor::empty({3, 8}), b = Tensor::zeros({3});
  for (Tensor* t : {&x, &target, &w}) init::uniform_(*t, -1.0f, 1.0f, gen);
  x = x.to(kDevice), target = target.to(kDevice);
  w = w.to(kDevice).set_requires_grad(true), b = b.to(kDevice).set_requires_grad(true);
  std::vector<float> losses;
  opencl::Transfers warm{};
  for (int step = 0; step < 6; ++step) {
    if (step == 2) warm = opencl::transfers();
    const Tensor h = ops::tanh(ops::linear(x, w, b));
    const Tensor loss = ops::mse_loss(ops::concat({h, ops::mul_scalar(h, 0.5f)}, 1), target);
    w.zero_grad(), b.zero_grad();
    loss.backward();
    autograd::NoGradGuard no_grad;
    for (Tensor* p : {&w, &b}) p->copy_from(ops::sub(*p, ops::mul_scalar(p->grad(), 0.5f)));
    losses.push_back(loss.item());
  }
  const opencl::Transfers after = opencl::transfers();
  EXPECT_EQ(after.uploads - warm.uploads, 0);
  EXPECT_EQ(after.downloads - warm.downloads, 4);
  EXPECT_EQ(after.bytes_downloaded - warm.bytes_downloaded, 16);
  EXPECT_LT(losses.back(), losses.front());
}

}  // namespace
}  // namespace splitleak
