// Every case of the victim op table (op_table.h) run on the machine's OpenCL device against the
// CPU engine: inference, and training mode (batch statistics, dropout masks from the same seed).
#include <gtest/gtest.h>

#include "core/random.h"
#include "tests/support/compare.h"
#include "tests/victim/op_table.h"
#include "victim/execute.h"

namespace splitleak::victim {
namespace {

Tensor random_input(const Graph& g, uint64_t seed) {
  Shape shape = g.input().shape;
  shape[0] = 3;
  Tensor x = Tensor::empty(shape);
  Generator gen(seed);
  init::uniform_(x, -1.0f, 1.0f, gen);
  return x;
}

Tensor run_on(const Graph& cpu_graph, const Tensor& x, const Device& device, bool training) {
  const Graph g = on_device(cpu_graph, device);
  Generator gen(5);
  RunOptions options;
  options.training = training, options.generator = &gen;
  return run(g, x.to(device), options).to(Device{});
}

TEST(VictimOpsOnOpenCl, EveryCaseMatchesTheCpu) {
  const Device device = parse_device("opencl");
  for (const auto& c : testing::victim_op_cases()) {
    const Tensor x = random_input(c.graph, 11);
    for (bool training : {false, true}) {
      const Tensor want = run_on(c.graph, x, Device{}, training);
      const Tensor got = run_on(c.graph, x, device, training);
      ASSERT_EQ(got.shape(), want.shape()) << c.op;
      EXPECT_LT(splitleak::testing::relative_error(got, want), 1e-4) << c.op << (training ? " training" : "");
    }
  }
}

}  // namespace
}  // namespace splitleak::victim
