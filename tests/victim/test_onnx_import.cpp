// ONNX import against torch: models exported from torchvision by tests/reference/torch_onnx.py
// give torch's outputs within 1e-4 (relative to the largest magnitude), at two opsets; broken
// files give one clear error naming the file (and the node and op where there is one).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/error.h"
#include "core/hdf5_io.h"
#include "tests/core/reference_paths.h"
#include "tests/support/compare.h"
#include "victim/execute.h"
#include "victim/onnx_import.h"
#include "victim/partition.h"

namespace splitleak::victim {
namespace {

std::string onnx_file(const std::string& name) { return testing::reference_file("onnx/" + name); }

using testing::relative_error;

class OnnxModel : public ::testing::TestWithParam<std::string> {};

TEST_P(OnnxModel, MatchesTorch) {
  const Graph g = import_onnx(onnx_file(GetParam() + ".onnx"));
  const Tensor x = h5::read_tensor(onnx_file(GetParam() + ".h5"), "x");
  const Tensor want = h5::read_tensor(onnx_file(GetParam() + ".h5"), "y");
  const Tensor got = run(g, x);
  ASSERT_EQ(got.shape(), want.shape());
  EXPECT_LT(relative_error(got, want), 1e-4);
  std::printf("%s: %zu nodes, relative error %.2e\n", GetParam().c_str(), g.nodes.size(), relative_error(got, want));
  // Splitting at every valid cut gives the same output bit for bit.
  const auto cuts = valid_cuts(g);
  EXPECT_GE(cuts.size(), 3u);
  for (int c : {cuts.front(), cuts[cuts.size() / 2]}) {
    const Partition p = partition(g, g.nodes[c].name);
    const Tensor split = run(p.back, run(p.front, x));
    EXPECT_EQ(split.to_vector(), got.to_vector()) << "cut " << g.nodes[c].name;
  }
}

INSTANTIATE_TEST_SUITE_P(Torchvision, OnnxModel,
                         ::testing::Values("resnet18_op11", "resnet18_op17", "mobilenet_v2_op11", "mobilenet_v2_op17",
                                           "mobilenet_v3_small_op11", "mobilenet_v3_small_op17",
                                           "efficientnet_b0_op11", "efficientnet_b0_op17", "squeezenet1_0_op11",
                                           "squeezenet1_0_op17", "densenet121_op11", "densenet121_op17",
                                           "googlenet_op11", "googlenet_op17", "alexnet_op11", "vgg11_bn_op17",
                                           "resnet18_unfolded_op13", "shape_chains_op11", "shape_chains_op17"),
                         [](const auto& info) { return info.param; });

TEST(OnnxImport, ExternalDataIsRead) {
  const Graph g = import_onnx(onnx_file("external.onnx"));
  const Tensor x = h5::read_tensor(onnx_file("resnet18_op17.h5"), "x");
  EXPECT_LT(relative_error(run(g, x), h5::read_tensor(onnx_file("resnet18_op17.h5"), "y")), 1e-4);
}

void expect_error(const std::string& file, const std::vector<std::string>& fragments) {
  try {
    import_onnx(onnx_file(file));
    FAIL() << file << " imported";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), Error::Kind::BadInput);
    for (const auto& f : fragments) EXPECT_NE(std::string(e.what()).find(f), std::string::npos) << e.what();
  }
}

TEST(OnnxImport, BrokenFilesGiveClearErrors) {
  expect_error("truncated.onnx", {"truncated.onnx", "not an ONNX model"});
  expect_error("not_onnx.onnx", {"not_onnx.onnx", "not an ONNX model"});
  expect_error("unsupported_op.onnx", {"final_softmax", "(Softmax)", "unsupported operator"});
  expect_error("missing_external.onnx", {"missing_external.data", "cannot be opened"});
  expect_error("no_such_file.onnx", {"no_such_file.onnx", "cannot open"});
  expect_error("huge_initializer.onnx", {"huge_initializer.onnx", "[1000000000, 512] says otherwise"});
  expect_error("overflowing_initializer.onnx", {"overflowing_initializer.onnx", "says otherwise"});
}

}  // namespace
}  // namespace splitleak::victim
