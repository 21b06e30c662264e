// The OpenCL executor (PoCL on the CPU here) against the CPU engine: every valid cut's back
// partition of VGG-16, ResNet-50 and EfficientNet-B0 at small inputs, and torchvision models
// imported from ONNX, within 1e-4 relative to the output's largest magnitude; timing from the
// profiling events; what the engine refuses and bad devices refused clearly.
#include <gtest/gtest.h>

#include <cstdlib>

#include "core/autograd.h"
#include "core/device.h"
#include "core/error.h"
#include "core/hdf5_io.h"
#include "gpu_runtime/opencl_device.h"
#include "gpu_runtime/opencl_executor.h"
#include "tests/core/reference_paths.h"
#include "tests/support/compare.h"
#include "tests/support/random.h"
#include "victim/execute.h"
#include "victim/onnx_import.h"
#include "victim/partition.h"
#include "victim/zoo/zoo.h"

namespace splitleak::gpu {
namespace {

using testing::relative_error;
using testing::uniform_tensor;

Tensor cpu_run(const victim::Graph& g, const Tensor& x) {
  autograd::NoGradGuard no_grad;
  return victim::run(g, x);
}

// Every valid cut: the back partition on OpenCL equals the CPU engine's on the front's features.
void expect_every_back_partition_matches(const victim::Graph& g, const Tensor& x) {
  const auto cuts = victim::valid_cuts(g);
  ASSERT_GE(cuts.size(), 5u);
  double worst = 0;
  for (int c : cuts) {
    const victim::Partition p = victim::partition(g, g.nodes[c].name);
    const Tensor features = cpu_run(p.front, x);
    const Tensor want = cpu_run(p.back, features);
    OpenClExecutor executor(p.back);
    const Tensor got = executor.run(features);
    ASSERT_EQ(got.shape(), want.shape()) << g.nodes[c].name;
    const double err = relative_error(got, want);
    EXPECT_LT(err, 1e-4) << "cut " << g.nodes[c].name;
    worst = std::max(worst, err);
  }
  std::printf("%zu cuts, worst relative error %.2e\n", cuts.size(), worst);
}

TEST(OpenClExecutor, EveryCutOfVgg16) {
  const victim::Graph g = victim::zoo::build("vgg16:width=0.25,input=3x32x32,classes=10");
  expect_every_back_partition_matches(g, uniform_tensor({2, 3, 32, 32}, 1));
}

TEST(OpenClExecutor, EveryCutOfVgg16WithBatchNormFolded) {
  const victim::Graph g = victim::zoo::build("vgg16_bn:width=0.25,input=3x32x32,classes=10");
  expect_every_back_partition_matches(g, uniform_tensor({2, 3, 32, 32}, 1));
}

TEST(OpenClExecutor, EveryCutOfResnet50) {
  const victim::Graph g = victim::zoo::build("resnet50:input=3x32x32,classes=10");
  expect_every_back_partition_matches(g, uniform_tensor({2, 3, 32, 32}, 2));
}

TEST(OpenClExecutor, EveryCutOfEfficientnetB0) {
  const victim::Graph g = victim::zoo::build("efficientnet_b0:input=3x64x64,classes=10");
  expect_every_back_partition_matches(g, uniform_tensor({2, 3, 64, 64}, 3));
}

class OnnxOnOpenCl : public ::testing::TestWithParam<std::string> {};

TEST_P(OnnxOnOpenCl, MatchesTheCpuEngine) {
  const std::string base = splitleak::testing::reference_file("onnx/" + GetParam());
  const victim::Graph g = victim::import_onnx(base + ".onnx");
  const Tensor x = h5::read_tensor(base + ".h5", "x");
  OpenClExecutor executor(g);
  EXPECT_LT(relative_error(executor.run(x), cpu_run(g, x)), 1e-4);
  // And the back partitions at the first and the middle cut.
  const auto cuts = victim::valid_cuts(g);
  for (int c : {cuts.front(), cuts[cuts.size() / 2]}) {
    const victim::Partition p = victim::partition(g, g.nodes[c].name);
    const Tensor features = cpu_run(p.front, x);
    OpenClExecutor back(p.back);
    EXPECT_LT(relative_error(back.run(features), cpu_run(p.back, features)), 1e-4) << g.nodes[c].name;
  }
}

INSTANTIATE_TEST_SUITE_P(Torchvision, OnnxOnOpenCl,
                         ::testing::Values("resnet18_op17", "mobilenet_v2_op17", "mobilenet_v3_small_op17",
                                           "efficientnet_b0_op17", "squeezenet1_0_op17", "googlenet_op17",
                                           "densenet121_op17", "shape_chains_op11", "shape_chains_op17"));

TEST(OpenClExecutor, TimingComesFromProfilingEvents) {
  const victim::Graph g = victim::zoo::build("lenet5");
  OpenClExecutor executor(g);
  GpuTiming t;
  const Tensor x = uniform_tensor({4, 1, 28, 28}, 4);
  executor.run(x, &t);
  EXPECT_GT(t.upload_ms, 0.0);
  EXPECT_GT(t.download_ms, 0.0);
  EXPECT_GT(t.kernels_ms, 0.0);
  ASSERT_EQ(t.node_ms.size(), g.nodes.size());
  double sum = 0;
  for (double ms : t.node_ms) {
    EXPECT_GE(ms, 0.0);
    sum += ms;
  }
  EXPECT_NEAR(sum, t.kernels_ms, 1e-6);
  EXPECT_GT(t.node_ms[static_cast<size_t>(g.index_of("conv1"))], 0.0);
  EXPECT_THROW(executor.run(uniform_tensor({1, 3, 28, 28}, 5)), Error);  // wrong shape
}

// The device runs what the CPU engine runs: a rank-5 Add (which the executor's own kernels
// refused before it ran the engine's ops).
TEST(OpenClExecutor, ARankFiveAddRunsAsOnTheCpu) {
  victim::Graph g = victim::zoo::build("lenet5");
  victim::Graph h;
  h.nodes.push_back(g.nodes[0]);
  victim::Node reshape;
  reshape.name = "five_d", reshape.op = victim::op::Reshape{{1, 1, 28, 28}}, reshape.inputs = {0};
  victim::Node add;
  add.name = "add5", add.op = victim::op::Add{}, add.inputs = {1, 1};
  h.nodes.push_back(reshape), h.nodes.push_back(add);
  victim::infer_shapes(h);
  ASSERT_EQ(h.nodes[2].shape.size(), 5u);
  const Tensor x = uniform_tensor({2, 1, 28, 28}, 6);
  OpenClExecutor executor(h);
  EXPECT_EQ(executor.run(x).to_vector(), cpu_run(h, x).to_vector());
}

TEST(OpenClDevices, ListedAndChosen) {
  const auto devices = list_opencl_devices();
  ASSERT_FALSE(devices.empty()) << "install-deps installs PoCL";
  EXPECT_FALSE(devices.front().name.empty());
  EXPECT_GT(devices.front().compute_units, 0);
  const victim::Graph g = victim::zoo::build("lenet5");
  try {
    OpenClExecutor executor(g, "opencl:0:99");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("has no device 99"), std::string::npos) << e.what();
  }
  EXPECT_THROW(OpenClExecutor(g, "opencl:42:0"), Error);
}

}  // namespace
}  // namespace splitleak::gpu
