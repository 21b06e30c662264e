// The model file (victim/model_file.h): the round trip, damaged files, files written in format 1
// (every op's attributes on every node) and the checks of format 2 (each op's own).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <set>

#include "core/error.h"
#include "core/hdf5_io.h"
#include "core/random.h"
#include "tests/support/compare.h"
#include "tests/support/error_of.h"
#include "tests/support/temp_dir.h"
#include "victim/execute.h"
#include "victim/load.h"
#include "victim/model_file.h"
#include "victim/zoo/zoo.h"

namespace splitleak::victim {
namespace {

using json = nlohmann::json;
using testing::error_of;

std::string data_file(const std::string& name) { return std::string(SPLITLEAK_VICTIM_TEST_DATA) + "/" + name; }

json graph_json(const std::string& path) { return json::parse(h5::read_attributes(path).at("graph")); }

// A copy of the model at `from` whose graph JSON `edit` changed, written to `to`.
void write_edited(const std::string& from, const std::string& to, const std::function<void(json&)>& edit) {
  auto attributes = h5::read_attributes(from);
  json j = json::parse(attributes.at("graph"));
  edit(j);
  attributes["graph"] = j.dump();
  h5::write_tensors(to, h5::read_tensors(from), attributes);
}

TEST(ModelFile, RoundTripIsBitIdentical) {
  const auto dir = testing::fresh_dir("model_file");
  const Graph g = zoo::build("efficientnet_b0:width=0.25,input=3x32x32,classes=10");
  save_model((dir / "m.h5").string(), g);
  const Graph back = load_model((dir / "m.h5").string());
  ASSERT_EQ(back.nodes.size(), g.nodes.size());
  EXPECT_EQ(back.buffers, g.buffers);
  EXPECT_EQ(back.metadata.at("source"), g.metadata.at("source"));
  Tensor x = Tensor::empty({2, 3, 32, 32});
  Generator gen(3);
  init::uniform_(x, 0, 1, gen);
  EXPECT_EQ(run(back, x).to_vector(), run(g, x).to_vector());
  // A different input size re-infers every shape.
  const Graph bigger = load_model((dir / "m.h5").string(), {3, 64, 64});
  EXPECT_EQ(bigger.nodes[1].shape, (Shape{1, 3, 64, 64}));
}

TEST(ModelFile, DamagedFilesGiveClearErrors) {
  const auto dir = testing::fresh_dir("model_file_bad");
  const std::string good = (dir / "good.h5").string();
  save_model(good, zoo::build("lenet5"));
  const auto size = std::filesystem::file_size(good);
  std::filesystem::copy_file(good, dir / "truncated.h5");
  std::filesystem::resize_file(dir / "truncated.h5", size / 2);
  EXPECT_NE(error_of([&] { load_model((dir / "truncated.h5").string()); }).find("truncated.h5"), std::string::npos);
  std::ofstream((dir / "text.h5").string()) << "not hdf5\n";
  EXPECT_NE(error_of([&] { load_model((dir / "text.h5").string()); }).find("text.h5"), std::string::npos);
  // An HDF5 file that is not a model.
  h5::write_tensors((dir / "tensors.h5").string(), {{"x", Tensor::zeros({2})}});
  EXPECT_NE(error_of([&] { load_model((dir / "tensors.h5").string()); }).find("not a splitleak model"),
            std::string::npos);
}

// tests/victim/data/legacy_every_op_v1.h5 was written by splitleak 651ff18 (format 1): a graph of
// every op with non-default attributes, and beside it an input and the output that version
// computed (legacy_every_op_v1_io.h5).
TEST(ModelFile, FormatOneFilesStillLoadAndRun) {
  const Graph g = load_model_file(data_file("legacy_every_op_v1.h5"));
  std::set<std::string> ops;
  for (const Node& n : g.nodes) ops.insert(op_name(n.op));
  EXPECT_EQ(ops.size(), 22u);  // every op format 1 had: all but the three defences (victim/ops/defence.h)
  EXPECT_EQ(kOpCount, 25u);
  const auto& hard_sigmoid = std::get<op::HardSigmoid>(g.nodes[g.index_of("hsig")].op);
  EXPECT_EQ(hard_sigmoid.alpha, 0.3f);
  EXPECT_EQ(hard_sigmoid.beta, 0.4f);
  EXPECT_FALSE(std::get<op::AvgPool>(g.nodes[g.index_of("avgpool")].op).count_include_pad);
  EXPECT_EQ(std::get<op::Pad>(g.nodes[g.index_of("pad")].op).value, 0.25f);
  EXPECT_EQ(std::get<op::Reshape>(g.nodes[g.index_of("reshape")].op).shape, (std::vector<int64_t>{0, -1, 2}));
  EXPECT_EQ(std::get<op::Conv>(g.nodes[g.index_of("dwconv")].op).dilation, (std::array<int64_t, 2>{2, 2}));
  const Tensor x = h5::read_tensor(data_file("legacy_every_op_v1_io.h5"), "x");
  const Tensor y = h5::read_tensor(data_file("legacy_every_op_v1_io.h5"), "y");
  const Tensor got = run(g, x);
  EXPECT_LT(splitleak::testing::relative_error(got, y), 1e-5);

  // Saved again it is format 2: each node keeps its own attributes only, and computes the same.
  const auto dir = testing::fresh_dir("model_file_v1");
  const std::string again = (dir / "again.h5").string();
  save_model(again, g);
  const json j = graph_json(again);
  EXPECT_EQ(j.at("format"), "splitleak.model/2");
  EXPECT_EQ(j.at("nodes")[g.index_of("conv")].at("attrs").size(), 4u);
  EXPECT_TRUE(j.at("nodes")[g.index_of("relu")].at("attrs").empty());
  EXPECT_EQ(run(load_model_file(again), x).to_vector(), got.to_vector());
}

TEST(ModelFile, AttributesAreCheckedPerOp) {
  const auto dir = testing::fresh_dir("model_file_attrs");
  const std::string good = (dir / "good.h5").string(), bad = (dir / "bad.h5").string();
  const Graph g = zoo::build("lenet5");
  save_model(good, g);
  const int conv = g.index_of("conv1"), relu = g.index_of("relu1");
  write_edited(good, bad, [&](json& j) { j["nodes"][relu]["attrs"]["alpha"] = 0.5; });
  std::string e = error_of([&] { load_model_file(bad); });
  EXPECT_NE(e.find("node 'relu1': Relu has no attribute 'alpha'"), std::string::npos) << e;
  write_edited(good, bad, [&](json& j) { j["nodes"][conv]["attrs"].erase("groups"); });
  e = error_of([&] { load_model_file(bad); });
  EXPECT_NE(e.find("node 'conv1': attribute 'groups' is missing"), std::string::npos) << e;
  write_edited(good, bad, [&](json& j) { j["nodes"][conv]["attrs"]["groups"] = "two"; });
  e = error_of([&] { load_model_file(bad); });
  EXPECT_NE(e.find("node 'conv1'"), std::string::npos) << e;
  // A zero stride (SIGFPE in the convolution before range checks) is refused naming the node.
  write_edited(good, bad, [&](json& j) { j["nodes"][conv]["attrs"]["stride"] = {0, 1}; });
  e = error_of([&] { load_model_file(bad); });
  EXPECT_NE(e.find("node 'conv1' (Conv): stride must be >= 1, got [0, 1]"), std::string::npos) << e;
  write_edited(good, bad, [&](json& j) { j["format"] = "splitleak.model/9"; });
  e = error_of([&] { load_model_file(bad); });
  EXPECT_NE(e.find("model format 'splitleak.model/9'"), std::string::npos) << e;
  EXPECT_EQ(e.rfind(bad, 0), 0u) << e;
  // The same checks guard the serialised bytes (a model sent to an enclave).
  std::string bytes = model_to_bytes(g);
  EXPECT_EQ(run(model_from_bytes(bytes, "sent"), Tensor::zeros({1, 1, 28, 28})).to_vector(),
            run(g, Tensor::zeros({1, 1, 28, 28})).to_vector());
}

}  // namespace
}  // namespace splitleak::victim
