// Partitioning: back(front(x)) == graph(x) bit for bit at every valid cut; cuts crossed by a skip
// connection are refused; the candidate cut names are the documented ones.
#include <gtest/gtest.h>

#include "core/error.h"
#include "core/random.h"
#include "victim/accounting.h"
#include "victim/execute.h"
#include "victim/partition.h"
#include "victim/zoo/zoo.h"

namespace splitleak::victim {
namespace {

Tensor random_input(const Graph& g, int64_t batch) {
  Shape shape = g.input().shape;
  shape[0] = batch;
  Tensor x = Tensor::empty(shape);
  Generator gen(7);
  init::uniform_(x, 0.0f, 1.0f, gen);
  return x;
}

std::vector<std::string> cut_names(const Graph& g) {
  std::vector<std::string> names;
  for (int i : valid_cuts(g)) names.push_back(g.nodes[i].name);
  return names;
}

class ZooPartition : public ::testing::TestWithParam<std::string> {};

TEST_P(ZooPartition, EveryValidCutSplitsBitForBit) {
  const Graph g = zoo::build(GetParam());
  const Tensor x = random_input(g, 2);
  const std::vector<float> whole = run(g, x).to_vector();
  for (const auto& cut : cut_names(g)) {
    const Partition p = partition(g, cut);
    const Tensor feature = run(p.front, x);
    EXPECT_EQ(feature.shape()[1], g.nodes[g.index_of(cut)].shape[1]) << cut;
    EXPECT_EQ(run(p.back, feature).to_vector(), whole) << "cut " << cut;
    // Costs split cleanly too.
    const int at = g.index_of(cut);
    EXPECT_EQ(total_cost(p.front, 0, at + 1).flops + total_cost(p.back, 0, static_cast<int>(p.back.nodes.size())).flops,
              total_cost(g, 0, static_cast<int>(g.nodes.size())).flops)
        << cut;
  }
}

INSTANTIATE_TEST_SUITE_P(SmallZoo, ZooPartition,
                         ::testing::Values("lenet5", "vgg16_bn:width=0.125,input=1x32x32,classes=10",
                                           "resnet50:width=0.125,input=3x32x32,classes=10",
                                           "efficientnet_b0:width=0.25,input=3x32x32,classes=10"));

TEST(Partition, CutNamesAreTheDocumentedOnes) {
  const std::vector<std::string> vgg = cut_names(zoo::build("vgg16:width=0.125,input=3x32x32"));
  const std::vector<std::string> vgg_want{
      "conv1_1", "relu1_1", "conv1_2", "relu1_2", "pool1", "conv2_1", "relu2_1", "conv2_2", "relu2_2", "pool2",
      "conv3_1", "relu3_1", "conv3_2", "relu3_2", "conv3_3", "relu3_3", "pool3", "conv4_1", "relu4_1", "conv4_2",
      "relu4_2", "conv4_3", "relu4_3", "pool4", "conv5_1", "relu5_1", "conv5_2", "relu5_2", "conv5_3", "relu5_3",
      "pool5", "fc6", "relu6", "fc7", "relu7", "fc8"};
  EXPECT_EQ(vgg, vgg_want);
  const std::vector<std::string> resnet = cut_names(zoo::build("resnet50:width=0.125,input=3x32x32"));
  EXPECT_EQ(resnet.size(), 4u + 16u + 2u);
  EXPECT_EQ(resnet.front(), "conv1");
  EXPECT_EQ(resnet[4], "layer1.0");
  EXPECT_EQ(resnet[19], "layer4.2");
  EXPECT_EQ(resnet.back(), "fc");
  const std::vector<std::string> effnet = cut_names(zoo::build("efficientnet_b0:width=0.25,input=3x32x32"));
  const std::vector<std::string> effnet_want{"features.0", "features.1", "features.2", "features.3",
                                             "features.4", "features.5", "features.6", "features.7",
                                             "features.8", "avgpool",    "classifier"};
  EXPECT_EQ(effnet, effnet_want);
}

TEST(Partition, RefusesCutsCrossedBySkipConnections) {
  const Graph g = zoo::build("resnet50:width=0.125,input=3x32x32");
  EXPECT_FALSE(is_valid_cut(g, g.index_of("layer2.1.conv2")));
  try {
    partition(g, "layer2.1.conv2");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("skip connection"), std::string::npos) << e.what();
  }
  EXPECT_THROW(partition(g, "layer9.9"), Error);
  EXPECT_THROW(partition(g, "input"), Error);
}

TEST(Partition, BackInputCarriesTheFeatureShape) {
  const Graph g = zoo::build("lenet5");
  const Partition p = partition(g, "pool2");
  EXPECT_EQ(p.back.input().name, "pool2");
  EXPECT_EQ(p.back.input().shape, (Shape{1, 16, 5, 5}));
  EXPECT_EQ(p.front.output().name, "pool2");
  EXPECT_EQ(p.front.tensors.size(), 4u);  // conv1 and conv2 weights and biases only
  EXPECT_EQ(p.back.tensors.size(), 6u);
}

}  // namespace
}  // namespace splitleak::victim
