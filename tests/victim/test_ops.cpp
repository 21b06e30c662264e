// The victim op table (op_table.h): every op of victim::Op has a case; each case's shape,
// FLOPs and serialised attributes are what the op declares, and its graph survives the model
// file bit for bit.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <cmath>
#include <functional>
#include <set>

#include "core/error.h"
#include "core/hdf5_io.h"
#include "core/random.h"
#include "tests/support/temp_dir.h"
#include "tests/victim/op_table.h"
#include "victim/accounting.h"
#include "victim/execute.h"
#include "victim/model_file.h"

namespace splitleak::victim {
namespace {

using testing::victim_op_cases;

Tensor random_input(const Graph& g, int64_t batch, uint64_t seed) {
  Shape shape = g.input().shape;
  shape[0] = batch;
  Tensor x = Tensor::empty(shape);
  Generator gen(seed);
  init::uniform_(x, -1.0f, 1.0f, gen);
  return x;
}

TEST(VictimOps, EveryOpHasExactlyOneCase) {
  std::multiset<std::string> covered;
  for (const auto& c : victim_op_cases()) covered.insert(c.op);
  ASSERT_EQ(covered.size(), kOpCount);
  for (const char* name : op_names()) EXPECT_EQ(covered.count(name), 1u) << name;
}

TEST(VictimOps, ShapesAndFlopsAreTheOnesDeclared) {
  for (const auto& c : victim_op_cases()) {
    EXPECT_EQ(c.graph.output().shape, c.output) << c.op;
    EXPECT_EQ(node_costs(c.graph).back().flops, c.flops) << c.op;
  }
}

TEST(VictimOps, NamesRoundTrip) {
  for (const char* name : op_names()) EXPECT_STREQ(op_name(op_from_name(name)), name);
  EXPECT_THROW(op_from_name("Softmax"), Error);
}

// Each node of a saved model carries its own attributes and no others; loading gives the same
// graph, which computes the same output bit for bit.
TEST(VictimOps, ModelFilesHoldEachOpsOwnAttributes) {
  const auto dir = splitleak::testing::fresh_dir("victim_ops");
  for (const auto& c : victim_op_cases()) {
    const std::string path = (dir / (c.op + ".h5")).string();
    save_model(path, c.graph);
    const auto graph_json = nlohmann::json::parse(h5::read_attributes(path).at("graph"));
    std::vector<std::string> keys;
    for (const auto& [key, value] : graph_json.at("nodes").back().at("attrs").items()) keys.push_back(key);
    EXPECT_EQ(keys, c.attributes) << c.op;
    const Graph back = load_model_file(path);
    EXPECT_EQ(back.output().op.index(), c.graph.output().op.index()) << c.op;
    const Tensor x = random_input(c.graph, 2, 7);
    Generator gen_back(3), gen_original(3);  // the random defences' draws, the same for both
    RunOptions with_back, with_original;
    with_back.generator = &gen_back, with_original.generator = &gen_original;
    EXPECT_EQ(run(back, x, with_back).to_vector(), run(c.graph, x, with_original).to_vector()) << c.op;
  }
}

// Every attribute is range-checked where the node's shape is inferred (so for zoo, ONNX and
// model-file graphs alike), with the node named: a zero stride would otherwise divide by zero.
TEST(VictimOps, AttributesOutOfRangeAreRefusedNamingTheNode) {
  const auto cases = victim_op_cases();
  auto refused = [&](const std::string& op, const std::function<void(Op&)>& mutate, const std::string& message) {
    for (const auto& c : cases) {
      if (c.op != op) continue;
      Graph g = c.graph;
      mutate(g.nodes.back().op);
      try {
        infer_shapes(g);
        ADD_FAILURE() << op << ": accepted, expected " << message;
      } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("node 'the_" + op + "' (" + op + "): " + message), std::string::npos)
            << e.what();
      }
    }
  };
  refused("Conv", [](Op& o) { std::get<op::Conv>(o).stride = {0, 1}; }, "stride must be >= 1, got [0, 1]");
  refused("Conv", [](Op& o) { std::get<op::Conv>(o).dilation = {1, -2}; }, "dilation must be >= 1, got [1, -2]");
  refused("Conv", [](Op& o) { std::get<op::Conv>(o).pads = {-1, 0, -1, 0}; }, "pads must be >= 0");
  refused("Conv", [](Op& o) { std::get<op::Conv>(o).groups = 0; }, "groups must be >= 1, got [0]");
  refused("Conv", [](Op& o) { std::get<op::Conv>(o).groups = 3; }, "weight [6, 2, 3, 3] does not fit input");
  refused("MaxPool", [](Op& o) { std::get<op::MaxPool>(o).stride = {0, 0}; }, "stride must be >= 1, got [0, 0]");
  refused("AvgPool", [](Op& o) { std::get<op::AvgPool>(o).kernel = {0, 3}; }, "kernel must be >= 1, got [0, 3]");
  refused("MaxPool", [](Op& o) { std::get<op::MaxPool>(o).pads = {3, 3, 3, 3}; }, "padding must be at most half");
  refused("AdaptiveAvgPool", [](Op& o) { std::get<op::AdaptiveAvgPool>(o).out_size = {0, 2}; }, "output size");
  refused("Normalize", [](Op& o) { std::get<op::Normalize>(o).std[1] = 0.0f; }, "std must be finite and non-zero");
  refused("BatchNorm", [](Op& o) { std::get<op::BatchNorm>(o).eps = 0.0f; }, "eps must be a positive number");
  refused("BatchNorm", [](Op& o) { std::get<op::BatchNorm>(o).momentum = 2.0f; }, "momentum must be in [0, 1]");
  refused("Clip", [](Op& o) { std::get<op::Clip>(o).lo = 2.0f; }, "needs lo <= hi");
  refused("HardSigmoid", [](Op& o) { std::get<op::HardSigmoid>(o).alpha = NAN; }, "alpha must be a finite number");
  refused("Dropout", [](Op& o) { std::get<op::Dropout>(o).p = 1.0f; }, "p must be in [0, 1)");
  refused("Pad", [](Op& o) { std::get<op::Pad>(o).pads = {0, -1, 0, 0}; }, "pads must be >= 0, got [0, -1, 0, 0]");
  refused("Reshape", [](Op& o) { std::get<op::Reshape>(o).shape = {-2, 30}; }, "bad target dimension -2");
  refused("GaussianNoise", [](Op& o) { std::get<op::GaussianNoise>(o).sigma = -1.0f; }, "sigma must be a finite number >= 0");
  refused("FeatureDropout", [](Op& o) { std::get<op::FeatureDropout>(o).p = -0.1f; }, "p must be in [0, 1)");
  refused("Quantize", [](Op& o) { std::get<op::Quantize>(o).bits = 17; }, "bits must be in [1, 16], got 17");
}

}  // namespace
}  // namespace splitleak::victim
