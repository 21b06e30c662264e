// Fine-tuning for defences (victim/defence_training.h): NoPeek's objective is cross-entropy plus
// the weighted distance correlation at the cut, and lowers that correlation against plain
// fine-tuning; a back partition fine-tuned on defended features wins back accuracy the defence
// cost, leaving the front alone; both are deterministic given the seed.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>

#include "core/autograd.h"
#include "core/ops.h"
#include "tests/support/fashion_sample.h"
#include "victim/defence.h"
#include "victim/defence_training.h"
#include "victim/execute.h"
#include "victim/partition.h"
#include "victim/zoo/zoo.h"

namespace splitleak::victim {
namespace {

datasets::ImageSet small_set() { return testing::fashion_mnist_32(512); }

// LeNet-5 trained for 3 epochs on the first 384 images (the same weights in every test).
const Graph& trained_lenet() {
  static const Graph g = [] {
    Graph out = zoo::build("lenet5:input=1x32x32");
    TrainOptions o;
    o.epochs = 3, o.batch_size = 32, o.lr = 3e-3f, o.seed = 1;
    train_victim(out, small_set().slice(0, 384), datasets::ImageSet{}, o);
    return out;
  }();
  return g;
}

Tensor labels_of(const datasets::ImageSet& set) {
  std::vector<float> v(set.labels.begin(), set.labels.end());
  return Tensor::from_vector({static_cast<int64_t>(v.size())}, v);
}

double cut_correlation(const Graph& g, const std::string& cut, const datasets::ImageSet& set) {
  const Tensor features = run(partition(g, cut).front, set.images);
  return ops::distance_correlation(set.images, features).item();
}

std::vector<float> weights_of(const Graph& g) {
  std::vector<float> out;
  for (const auto& [name, t] : g.tensors) {
    const std::vector<float> v = t.to_vector();
    out.insert(out.end(), v.begin(), v.end());
  }
  return out;
}

TEST(NoPeek, ObjectiveIsCrossEntropyPlusWeightedCorrelation) {
  const Graph& g = trained_lenet();
  const datasets::ImageSet batch = small_set().slice(0, 32);
  const int cut = g.index_of("pool2");
  autograd::NoGradGuard no_grad;
  const StepLoss loss = nopeek_objective(cut, 0.7)(g, batch.images, labels_of(batch), {});
  const Tensor logits = run(g, batch.images);
  const double expected = ops::cross_entropy(logits, labels_of(batch)).item() + 0.7 * cut_correlation(g, "pool2", batch);
  EXPECT_NEAR(loss.loss.item(), expected, 1e-5);
  EXPECT_EQ(loss.logits.to_vector(), logits.to_vector());
}

TEST(NoPeek, FineTuningLowersTheCorrelationAtTheCutAndIsDeterministic) {
  const datasets::ImageSet train = small_set().slice(0, 384), held_out = small_set().slice(384, 512);
  TrainOptions o;
  o.epochs = 3, o.batch_size = 32, o.lr = 3e-3f, o.seed = 9;
  Graph plain = with_own_weights(trained_lenet());
  train_victim(plain, train, datasets::ImageSet{}, o);
  o.objective = nopeek_objective(trained_lenet().index_of("pool2"), 5.0);
  Graph nopeek = with_own_weights(trained_lenet());
  const std::vector<float> before = weights_of(trained_lenet());
  train_victim(nopeek, train, datasets::ImageSet{}, o);
  EXPECT_EQ(weights_of(trained_lenet()), before);  // the original keeps its weights

  const double plain_dcor = cut_correlation(plain, "pool2", held_out);
  const double nopeek_dcor = cut_correlation(nopeek, "pool2", held_out);
  std::printf("dCor at pool2: plain fine-tuning %.4f, nopeek %.4f\n", plain_dcor, nopeek_dcor);
  EXPECT_LT(nopeek_dcor, plain_dcor - 0.05) << "plain " << plain_dcor << ", nopeek " << nopeek_dcor;

  Graph again = with_own_weights(trained_lenet());
  train_victim(again, train, datasets::ImageSet{}, o);
  EXPECT_EQ(weights_of(again), weights_of(nopeek));
}

TEST(DefendedFineTuning, BackPartitionWinsBackAccuracyAndTheFrontStays) {
  const datasets::ImageSet train = small_set().slice(0, 384);
  const Partition p = partition(trained_lenet(), "pool2");
  FeatureStatistics statistics;
  statistics.add(run(p.front, train.images));
  const Graph defended = defend(p.front, {"noise", 1.5}, statistics);
  const std::vector<float> front_before = weights_of(p.front);

  auto defended_accuracy = [&](const Graph& back) {
    Generator draws(3);
    const Tensor logits = run(back, run(defended, train.images, {false, &draws, nullptr, {}}));
    int64_t correct = 0;
    for (int64_t i = 0; i < train.size(); ++i) {
      const std::vector<float> row = logits.slice(i, i + 1).to_vector();
      correct += std::max_element(row.begin(), row.end()) - row.begin() == train.labels[i];
    }
    return static_cast<double>(correct) / static_cast<double>(train.size());
  };
  TrainOptions o;
  o.epochs = 3, o.batch_size = 32, o.lr = 1e-3f, o.seed = 4;
  o.objective = defended_features_objective(defended);
  Graph back = with_own_weights(p.back);
  train_victim(back, train, datasets::ImageSet{}, o);
  const double unchanged = defended_accuracy(p.back), tuned = defended_accuracy(back);
  std::printf("accuracy under noise: back unchanged %.3f, fine-tuned %.3f\n", unchanged, tuned);
  EXPECT_GT(tuned, unchanged + 0.05) << "unchanged back " << unchanged << ", fine-tuned " << tuned;
  EXPECT_EQ(weights_of(p.front), front_before);

  Graph again = with_own_weights(p.back);
  train_victim(again, train, datasets::ImageSet{}, o);
  EXPECT_EQ(weights_of(again), weights_of(back));
}

}  // namespace
}  // namespace splitleak::victim
