// The victim op table (op_table.h): every op of victim::Op has a case; each case's shape,
// FLOPs and serialised attributes are what the op declares, and its graph survives the model
// file bit for bit.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
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
    EXPECT_EQ(run(back, x).to_vector(), run(c.graph, x).to_vector()) << c.op;
  }
}

}  // namespace
}  // namespace splitleak::victim
