// The roofline model's arithmetic and presets.
#include <gtest/gtest.h>

#include "core/error.h"
#include "gpu_runtime/roofline.h"
#include "victim/accounting.h"
#include "victim/zoo/zoo.h"

namespace splitleak::gpu {
namespace {

TEST(Roofline, EachNodeTakesTheLongerOfComputeAndMemory) {
  const victim::Graph g = victim::zoo::build("lenet5");
  GpuModel m;
  m.peak_tflops = 1e-3, m.memory_gb_per_s = 1, m.compute_efficiency = 1, m.memory_efficiency = 1, m.launch_us = 0;
  m.link_gb_per_s = 2;
  const auto costs = victim::node_costs(g);
  const RooflineEstimate e = roofline_estimate(m, g, 2);
  const int conv1 = g.index_of("conv1");
  const double flops_ms = 2.0 * costs[conv1].flops / 1e9 * 1e3;  // 1 GFLOP/s
  const double bytes = costs[conv1].weight_bytes + 2.0 * (costs[conv1].activation_bytes + costs[0].activation_bytes);
  EXPECT_DOUBLE_EQ(e.node_ms[conv1], std::max(flops_ms, bytes / 1e9 * 1e3));
  EXPECT_DOUBLE_EQ(e.upload_ms, 2.0 * costs[0].activation_bytes / 2e9 * 1e3);
  double sum = 0;
  for (double ms : e.node_ms) sum += ms;
  EXPECT_DOUBLE_EQ(e.kernels_ms, sum);
  m.launch_us = 10;
  EXPECT_NEAR(roofline_estimate(m, g, 2).node_ms[conv1], e.node_ms[conv1] + 0.01, 1e-12);
  // Twice the batch: no faster.
  EXPECT_GE(roofline_estimate(m, g, 4).kernels_ms, e.kernels_ms);
  m.compute_efficiency = 0;
  EXPECT_THROW(roofline_estimate(m, g, 1), Error);
}

TEST(Roofline, Presets) {
  EXPECT_EQ(gpu_model_preset("a100-40gb").memory_gb_per_s, 1555);
  EXPECT_EQ(gpu_model_preset("h100-sxm").peak_tflops, 67);
  EXPECT_EQ(gpu_model_presets().size(), 7u);
  try {
    gpu_model_preset("rtx9090");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("known: a100-40gb"), std::string::npos);
  }
  // A faster GPU is not slower on the same graph.
  const victim::Graph g = victim::zoo::build("resnet50:input=3x64x64");
  EXPECT_LT(roofline_estimate(gpu_model_preset("h100-sxm"), g, 8).kernels_ms,
            roofline_estimate(gpu_model_preset("t4"), g, 8).kernels_ms);
}

}  // namespace
}  // namespace splitleak::gpu
