// Modules, checkpoints and HDF5 I/O, including the bad-file paths.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/checkpoint.h"
#include "core/error.h"
#include "core/hdf5_io.h"
#include "core/nn/layers.h"
#include "core/ops.h"
#include "core/optim/optimizer.h"
#include "tests/support/temp_dir.h"

namespace splitleak {
namespace {

std::string temp_path(const std::string& name) { return (testing::fresh_dir("nn/" + name) / name).string(); }

std::shared_ptr<nn::Sequential> net(uint64_t seed) {
  Generator gen(seed);
  auto s = std::make_shared<nn::Sequential>();
  s->add(std::make_shared<nn::Conv2d>(2, 4, 3, ops::Conv2dOptions{}, true, gen));
  s->add(std::make_shared<nn::BatchNorm2d>(4));
  s->add(std::make_shared<nn::Functional>("flatten", [](const Tensor& x) { return ops::flatten(x); }));
  s->add(std::make_shared<nn::Linear>(4 * 3 * 3, 3, true, gen));
  return s;
}

TEST(Module, NamesFollowTorchStateDict) {
  auto s = net(1);
  std::vector<std::string> names;
  for (auto& [n, t] : s->named_parameters()) names.push_back(n);
  EXPECT_EQ(names, (std::vector<std::string>{"0.weight", "0.bias", "1.weight", "1.bias", "3.weight", "3.bias"}));
  std::vector<std::string> buffers;
  for (auto& [n, t] : s->named_buffers()) buffers.push_back(n);
  EXPECT_EQ(buffers, (std::vector<std::string>{"1.running_mean", "1.running_var", "1.num_batches_tracked"}));
  EXPECT_EQ(s->parameter_count(), 4 * 2 * 9 + 4 + 4 + 4 + 36 * 3 + 3);
}

TEST(Module, TrainEvalReachesChildren) {
  auto s = net(1);
  s->eval();
  auto& bn = dynamic_cast<nn::BatchNorm2d&>((*s)[1]);
  EXPECT_FALSE(bn.is_training());
  Tensor x = Tensor::ones({2, 2, 5, 5});
  s->forward(x);
  EXPECT_EQ(bn.num_batches_tracked.item(), 0.0f);  // eval does not touch running stats
  s->train();
  s->forward(x);
  EXPECT_EQ(bn.num_batches_tracked.item(), 1.0f);
}

TEST(Checkpoint, RoundTripRestoresModelAndOptimizer) {
  auto a = net(1), b = net(2);
  optim::Adam opt_a(a->named_parameters(), {}), opt_b(b->named_parameters(), {});
  Tensor x = Tensor::ones({2, 2, 5, 5});
  ops::mean(a->forward(x)).backward();
  opt_a.step();
  const std::string path = temp_path("ckpt.h5");
  save_checkpoint(path, *a, &opt_a);
  load_checkpoint(path, *b, &opt_b);
  EXPECT_EQ(opt_b.steps(), 1);
  auto pa = a->named_parameters(), pb = b->named_parameters();
  for (size_t i = 0; i < pa.size(); ++i) EXPECT_EQ(pa[i].second.to_vector(), pb[i].second.to_vector()) << pa[i].first;
  a->eval(), b->eval();
  EXPECT_EQ(a->forward(x).to_vector(), b->forward(x).to_vector());
}

TEST(Checkpoint, ShapeMismatchNamesTheEntry) {
  auto a = net(1);
  const std::string path = temp_path("small.h5");
  save_checkpoint(path, *a);
  Generator gen(3);
  nn::Sequential other;
  other.add(std::make_shared<nn::Conv2d>(2, 5, 3, ops::Conv2dOptions{}, true, gen));
  try {
    load_checkpoint(path, other);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("params/0.weight"), std::string::npos) << e.what();
  }
}

TEST(Hdf5, MissingTruncatedAndForeignFilesAreClearErrors) {
  EXPECT_THROW(h5::read_tensors(temp_path("does_not_exist.h5")), Error);
  const std::string good = temp_path("good.h5");
  h5::write_tensors(good, {{"a/b", Tensor::ones({2, 3})}, {"s", Tensor::scalar(4)}}, {{"format", "test"}});
  EXPECT_EQ(h5::read_tensor(good, "a/b").shape(), (Shape{2, 3}));
  EXPECT_EQ(h5::read_tensor(good, "s").item(), 4.0f);
  EXPECT_EQ(h5::read_attributes(good).at("format"), "test");
  EXPECT_THROW(h5::read_tensor(good, "nope"), Error);
  // Truncate to half.
  const std::string cut = temp_path("cut.h5");
  std::filesystem::copy_file(good, cut, std::filesystem::copy_options::overwrite_existing);
  std::filesystem::resize_file(cut, std::filesystem::file_size(good) / 2);
  try {
    h5::read_tensors(cut);
    FAIL() << "a truncated file was read";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(cut), std::string::npos) << e.what();
  }
  const std::string text = temp_path("text.h5");
  std::ofstream(text) << "not hdf5 at all";
  EXPECT_THROW(h5::read_tensors(text), Error);
}

TEST(Hdf5, WritesAreAtomic) {
  // A failed write leaves the previous file intact and no temporary behind.
  const std::string path = temp_path("atomic.h5");
  h5::write_tensors(path, {{"x", Tensor::ones({2})}});
  EXPECT_THROW(h5::write_tensors(path, {{"x", Tensor::ones({2})}, {"bad", Tensor()}}), Error);
  EXPECT_EQ(h5::read_tensor(path, "x").to_vector(), (std::vector<float>{1, 1}));
  for (auto& entry : std::filesystem::directory_iterator(std::filesystem::path(path).parent_path()))
    EXPECT_EQ(entry.path().filename().string().find("atomic.h5.tmp"), std::string::npos) << entry.path();
}

}  // namespace
}  // namespace splitleak
