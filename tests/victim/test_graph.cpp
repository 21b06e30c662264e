// Graph structure: shape inference and its errors, accounting, input shape checks, and training
// through the graph.
#include <gtest/gtest.h>

#include "core/autograd.h"
#include "core/error.h"
#include "core/ops.h"
#include "core/random.h"
#include "tests/support/error_of.h"
#include "victim/accounting.h"
#include "victim/execute.h"
#include "victim/load.h"
#include "victim/zoo/zoo.h"

namespace splitleak::victim {
namespace {

using testing::error_of;

TEST(Graph, LeNetShapesAndCosts) {
  const Graph g = zoo::build("lenet5");
  EXPECT_EQ(g.nodes[g.index_of("pool1")].shape, (Shape{1, 6, 14, 14}));
  EXPECT_EQ(g.nodes[g.index_of("flatten")].shape, (Shape{1, 400}));
  EXPECT_EQ(g.output().shape, (Shape{1, 10}));
  EXPECT_EQ(g.parameter_count(), 156 + 2416 + 48120 + 10164 + 850);
  const auto costs = node_costs(g);
  EXPECT_EQ(costs[g.index_of("conv1")].flops, 2 * 6 * 28 * 28 * 25);
  EXPECT_EQ(costs[g.index_of("fc1")].flops, 2 * 120 * 400);
  EXPECT_EQ(costs[g.index_of("conv2")].parameters, 2416);
  EXPECT_EQ(costs[g.index_of("pool1")].activation_bytes, 6 * 14 * 14 * 4);
}

TEST(Graph, TorchvisionParameterCounts) {
  // torchvision's numbers: sum(p.numel() for p in model.parameters()).
  EXPECT_EQ(zoo::build("vgg16").parameter_count(), 138357544);
  EXPECT_EQ(zoo::build("resnet50").parameter_count(), 25557032);
  EXPECT_EQ(zoo::build("efficientnet_b0").parameter_count(), 5288548);
}

TEST(Graph, ZooSpecErrorsNameTheProblem) {
  EXPECT_NE(error_of([] { zoo::build("vgg17"); }).find("unknown zoo model 'vgg17'"), std::string::npos);
  EXPECT_NE(error_of([] { zoo::build("vgg16:depth=3"); }).find("unknown option 'depth'"), std::string::npos);
  EXPECT_NE(error_of([] { zoo::build("vgg16:width=abc"); }).find("width='abc' is not a number"), std::string::npos);
  EXPECT_NE(error_of([] { zoo::build("lenet5:input=1x28"); }).find("is not CxHxW"), std::string::npos);
  EXPECT_NE(error_of([] { load_model("no_such_model.onnx"); }).find("neither a zoo model"), std::string::npos);
}

TEST(Graph, InputThatIsTooSmallIsRefused) {
  const std::string e = error_of([] { zoo::build("lenet5:input=1x8x8"); });
  EXPECT_NE(e.find("conv2"), std::string::npos) << e;
}

TEST(Graph, WrongInputShapeNamesTheExpectedShape) {
  const Graph g = zoo::build("lenet5");
  const std::string e = error_of([&] { run(g, Tensor::zeros({2, 3, 28, 28})); });
  EXPECT_NE(e.find("[2, 3, 28, 28]"), std::string::npos) << e;
  EXPECT_NE(e.find("[-1, 1, 28, 28]"), std::string::npos) << e;
}

TEST(Execute, TrainingFlowsGradientsToEveryParameterAndUpdatesStatistics) {
  Graph g = zoo::build("vgg16_bn:width=0.0625,input=1x32x32,classes=10");
  for (auto& [name, t] : g.parameters()) t.set_requires_grad(true);
  Tensor x = Tensor::empty({4, 1, 32, 32});
  Generator gen(1);
  init::uniform_(x, 0, 1, gen);
  const Tensor before = g.weight("features.1.running_mean").clone();
  const Tensor logits = run(g, x, {true, &gen, nullptr, {}});
  ops::cross_entropy(logits, Tensor::from_vector({4}, {0, 1, 2, 3})).backward();
  for (const auto& [name, t] : g.parameters()) {
    ASSERT_TRUE(t.grad().defined()) << name;
    double norm = 0;
    for (float v : t.grad().to_vector()) norm += std::fabs(v);
    EXPECT_GT(norm, 0.0) << name;
  }
  EXPECT_NE(g.weight("features.1.running_mean").to_vector(), before.to_vector());
}

TEST(Execute, InputGradientMatchesFiniteDifferences) {
  const Graph g = zoo::build("lenet5:width=0.5");
  Tensor x = Tensor::empty({1, 1, 28, 28});
  Generator gen(2);
  init::uniform_(x, 0, 1, gen);
  x.set_requires_grad(true);
  auto loss = [&](const Tensor& in) { return ops::sum(ops::mul(run(g, in), run(g, in))); };
  const Tensor grad = autograd::grad(loss(x), {x})[0];
  autograd::NoGradGuard no_grad;
  for (int64_t i : {100, 350, 406, 600}) {
    Tensor plus = x.clone(), minus = x.clone();
    const float h = 1e-2f;
    plus.data()[i] += h, minus.data()[i] -= h;
    const double numeric = (loss(plus).item() - loss(minus).item()) / (2 * h);
    EXPECT_NEAR(grad.data()[i], numeric, 2e-2 * std::max(1.0, std::fabs(numeric))) << i;
  }
}

}  // namespace
}  // namespace splitleak::victim

namespace splitleak::victim {
namespace {

TEST(Execute, FusedInferenceEqualsTheSeparateOpsBitForBit) {
  for (const char* spec : {"resnet50:width=0.125,input=3x32x32,classes=10",
                           "vgg16_bn:width=0.125,input=1x32x32,classes=10",
                           "efficientnet_b0:width=0.25,input=3x32x32,classes=10"}) {
    Graph g = zoo::build(spec);
    Generator gen(9);
    for (const auto& [name, t] : g.buffer_tensors()) {  // statistics that make batch norm matter
      Tensor s = t;
      init::uniform_(s, name.find("var") != std::string::npos ? 0.5f : -0.2f, 1.0f, gen);
    }
    Shape shape = g.input().shape;
    shape[0] = 2;
    Tensor x = Tensor::empty(shape);
    init::uniform_(x, 0, 1, gen);
    const std::vector<float> fused = run(g, x).to_vector();
    Tensor tracked = x.clone();
    tracked.set_requires_grad(true);  // a recorded run takes the op-by-op path
    EXPECT_EQ(run(g, tracked).to_vector(), fused) << spec;
  }
}

}  // namespace
}  // namespace splitleak::victim
