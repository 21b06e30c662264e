// Victim training: learns (loss falls, accuracy above chance on a small set), and an interrupted
// run resumed from its checkpoint ends bit-identical to an uninterrupted one.
#include <gtest/gtest.h>

#include <filesystem>

#include "core/error.h"
#include "tests/support/fashion_sample.h"
#include "tests/support/temp_dir.h"
#include "victim/train.h"
#include "victim/zoo/zoo.h"

namespace splitleak::victim {
namespace {

datasets::ImageSet small_set() { return testing::fashion_mnist_32(384); }

std::vector<std::vector<float>> weights(const Graph& g) {
  std::vector<std::vector<float>> out;
  for (const auto& [name, t] : g.parameters()) out.push_back(t.to_vector());
  for (const auto& [name, t] : g.buffer_tensors()) out.push_back(t.to_vector());
  return out;
}

struct Stop {};

TEST(TrainVictim, ResumeAfterAnInterruptionIsBitIdentical) {
  const auto dir = testing::fresh_dir("train_resume");
  const std::string spec = "vgg16_bn:width=0.0625,input=1x32x32,classes=10";
  TrainOptions o;
  o.epochs = 2, o.batch_size = 64, o.seed = 5, o.lr_decay = true;
  const datasets::ImageSet train = small_set().slice(0, 256), test = small_set().slice(256, 384);

  Graph whole = zoo::build(spec);
  train_victim(whole, train, test, o);

  Graph interrupted = zoo::build(spec);
  o.checkpoint = (dir / "ckpt.h5").string();
  o.checkpoint_seconds = 0;  // a checkpoint after every step
  int64_t steps = 0;
  EXPECT_THROW(train_victim(interrupted, train, test, o,
                            [&](const TrainProgress&) {
                              // Killed in the second epoch, after step 5's update and before
                              // its checkpoint: the resumed run redoes step 5.
                              if (++steps == 5) throw Stop{};
                            }),
               Stop);
  Graph resumed = zoo::build(spec);
  o.resume = true;
  const TrainResult r = train_victim(resumed, train, test, o);
  EXPECT_EQ(r.resumed_from_step, 4);
  EXPECT_EQ(weights(resumed), weights(whole));
}

TEST(TrainVictim, LossFallsAndAccuracyBeatsChance) {
  Graph g = zoo::build("lenet5:input=1x32x32");
  TrainOptions o;
  o.epochs = 3, o.batch_size = 32, o.lr = 3e-3f;
  std::vector<double> losses;
  const TrainResult r = train_victim(g, small_set().slice(0, 320), small_set().slice(320, 384), o,
                                     [&](const TrainProgress& p) {
                                       if (p.epoch_done) losses.push_back(p.loss);
                                     });
  ASSERT_EQ(losses.size(), 3u);
  EXPECT_LT(losses.back(), losses.front());
  EXPECT_GT(accuracy(g, small_set().slice(0, 320)), 0.5);
  EXPECT_GT(r.test_accuracy, 0.3);
}

TEST(TrainVictim, RefusesAModelWithTooFewOutputs) {
  Graph g = zoo::build("lenet5:input=1x32x32,classes=3");
  EXPECT_THROW(train_victim(g, small_set(), small_set(), TrainOptions{}), Error);
}

// Images without labels (a flat folder) neither train a victim nor give an accuracy.
TEST(TrainVictim, RefusesUnlabelledImages) {
  datasets::ImageSet unlabelled = small_set();
  unlabelled.class_names.clear();
  unlabelled.labels.assign(unlabelled.labels.size(), -1);
  Graph g = zoo::build("lenet5:input=1x32x32");
  try {
    train_victim(g, unlabelled, unlabelled, TrainOptions{});
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("have no labels"), std::string::npos) << e.what();
  }
  EXPECT_THROW(accuracy(g, unlabelled), Error);
}

}  // namespace
}  // namespace splitleak::victim
