// The zoo against torchvision: same weights (tests/reference/torch_zoo.py exports them), same
// input, logits and the feature map at every candidate cut within 1e-4 of torch's, relative to
// the reference's largest magnitude.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cmath>
#include <set>

#include "core/hdf5_io.h"
#include "tests/core/reference_paths.h"
#include "tests/support/compare.h"
#include "victim/execute.h"
#include "victim/partition.h"
#include "victim/zoo/zoo.h"

namespace splitleak::victim {
namespace {

using testing::relative_error;

void check_model(const std::string& name) {
  const std::string path = testing::reference_file("zoo_" + name + ".h5");
  Graph g = zoo::build(name);
  const nn::NamedTensors file = h5::read_tensors(path);
  std::set<std::string> loaded;
  Tensor x;
  std::map<std::string, Tensor> cuts;
  for (const auto& [key, t] : file) {
    if (key == "x") {
      x = t;
    } else if (key.rfind("cuts/", 0) == 0) {
      cuts[key.substr(5)] = t;
    } else if (key.rfind("weights/", 0) == 0) {
      const std::string w = key.substr(8);
      ASSERT_TRUE(g.tensors.count(w)) << "torchvision weight " << w << " has no counterpart";
      ASSERT_EQ(g.tensors[w].shape(), t.shape()) << w;
      g.tensors[w].copy_from(t);
      loaded.insert(w);
    }
  }
  EXPECT_EQ(loaded.size(), g.tensors.size()) << "every zoo weight must come from torchvision";
  std::vector<int> cut_nodes = valid_cuts(g);
  std::vector<std::string> names;
  for (int i : cut_nodes) names.push_back(g.nodes[i].name);
  std::vector<std::string> want_names;
  for (const auto& [cut, t] : cuts) want_names.push_back(cut);
  std::vector<std::string> sorted = names;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(sorted, want_names) << "candidate cuts differ from the reference's";
  const auto values = run_keeping(g, x, cut_nodes);
  double worst = 0;
  for (size_t k = 0; k < cut_nodes.size(); ++k) {
    const Tensor& got = values[k + 1];
    const Tensor& want = cuts.at(names[k]);
    ASSERT_EQ(got.numel(), want.numel()) << names[k];
    worst = std::max(worst, relative_error(got, want));
    EXPECT_LT(relative_error(got, want), 1e-4) << name << " at cut " << names[k];
  }
  const double logits = relative_error(values[0], cuts.at(names.back()));
  EXPECT_LT(logits, 1e-4) << name << " logits";
  std::printf("%s: logits relative error %.2e, worst over %zu cuts %.2e\n", name.c_str(), logits, names.size(), worst);
}

TEST(ZooReference, Vgg16MatchesTorchvision) { check_model("vgg16"); }
TEST(ZooReference, Resnet50MatchesTorchvision) { check_model("resnet50"); }
TEST(ZooReference, EfficientNetB0MatchesTorchvision) { check_model("efficientnet_b0"); }

}  // namespace
}  // namespace splitleak::victim
