// What the attackers at an attacked node see (experiments/node_data.h): at a defended node they
// train on defended auxiliary features and are scored on defended held-out features, each drawn
// from its own seed, both through the front the defence was appended to; the auxiliary features
// recomputed on every read equal the cached ones bit for bit, whichever rows are read together.
#include <gtest/gtest.h>
#include <spdlog/logger.h>

#include <filesystem>
#include <numeric>

#include "core/random.h"
#include "core/samples.h"
#include "datasets/fashion_mnist.h"
#include "experiments/node_data.h"
#include "tests/support/temp_dir.h"
#include "victim/defence.h"
#include "victim/execute.h"
#include "victim/zoo/zoo.h"

namespace splitleak::experiments {
namespace {

struct DefendedRun {
  ExperimentConfig config;
  VictimSetup setup;
  RunPlan plan;
  RunInputs in;
  std::filesystem::path cache_dir;
  datasets::FeatureCache cache;
  std::shared_ptr<spdlog::logger> log = std::make_shared<spdlog::logger>("node_data");

  explicit DefendedRun(bool recompute = false)
      : cache_dir(testing::fresh_dir(recompute ? "node_data_recomputed" : "node_data")), cache(cache_dir.string()) {
    config.dataset.aux = 200, config.dataset.test = 16;  // two 128-row batches of auxiliary features
    config.victim.cuts = {"pool1"};
    config.defences.push_back({{"noise", 0.5}, {}});
    setup.graph = victim::zoo::build("lenet5");
    setup.data.train = datasets::load_fashion_mnist(datasets::Part::Train, {}).slice(0, 400);
    setup.data.test = datasets::load_fashion_mnist(datasets::Part::Test, {}).slice(0, 16);
    plan = plan_work(config, setup.graph, select_cuts(setup.graph, config.victim));
    in = prepare_inputs(config, setup, recompute);
  }
  CutData at(size_t defence) { return node_data(config, in, cache, setup.graph, plan.nodes[plan.node_of(0, defence)], log); }
};

TEST(NodeData, DefendedNodeTrainsAndScoresOnDefendedFeatures) {
  DefendedRun run;
  const CutData plain = run.at(0), defended = run.at(1);
  const AttackedNode& node = run.plan.nodes[run.plan.node_of(0, 1)];
  ASSERT_EQ(defended.partition->front.nodes.back().name, "defence.noise");
  EXPECT_NE(plain.partition->front.nodes.back().name, "defence.noise");
  EXPECT_EQ(defended.context.front, &defended.partition->front);  // white-box attackers see the defence

  // The defence fitted on the cut's undefended auxiliary features, as the enclave's is.
  const Tensor plain_aux = plain.aux_features->read_range(0, plain.aux_features->size());
  victim::FeatureStatistics statistics;
  statistics.add(plain_aux);
  const victim::Graph front = victim::defend(plain.partition->front, {"noise", 0.5}, statistics);
  const Tensor aux_images = run.in.aux_images->read_range(0, run.in.aux_images->size());
  Generator enclave_draws(derive_seed(node.seed, 2));
  std::vector<int64_t> ids(static_cast<size_t>(aux_images.size(0)));
  std::iota(ids.begin(), ids.end(), 0);
  const Tensor expected_aux = victim::run_rows(front, aux_images, ids, derive_seed(node.seed, 1));
  const Tensor expected_targets = victim::run_in_batches(front, run.in.targets.images, 128, {}, &enclave_draws);

  const Tensor trained_on = defended.aux_features->read_range(0, defended.aux_features->size());
  ASSERT_EQ(trained_on.shape(), expected_aux.shape());
  for (int64_t i = 0; i < trained_on.numel(); ++i) ASSERT_EQ(trained_on.data()[i], expected_aux.data()[i]) << i;
  ASSERT_EQ(defended.target_features.shape(), expected_targets.shape());
  for (int64_t i = 0; i < expected_targets.numel(); ++i)
    ASSERT_EQ(defended.target_features.data()[i], expected_targets.data()[i]) << i;

  // Neither is the undefended features, and the attacker's draws are not the enclave's.
  int64_t differ = 0;
  for (int64_t i = 0; i < plain_aux.numel(); ++i) differ += plain_aux.data()[i] != trained_on.data()[i];
  EXPECT_GT(differ, plain_aux.numel() / 2);
  Generator same_as_attacker(derive_seed(node.seed, 1));
  const Tensor with_attacker_draws = victim::run_in_batches(front, run.in.targets.images, 128, {}, &same_as_attacker);
  differ = 0;
  for (int64_t i = 0; i < expected_targets.numel(); ++i)
    differ += with_attacker_draws.data()[i] != defended.target_features.data()[i];
  EXPECT_GT(differ, expected_targets.numel() / 2);
}

TEST(NodeData, RecomputedAuxiliaryFeaturesAreTheCachedOnes) {
  DefendedRun cached(false), recomputed(true);
  for (size_t defence : {0, 1}) {  // undefended, and the noise defence's per-row draws
    const CutData a = cached.at(defence), b = recomputed.at(defence);
    ASSERT_EQ(a.aux_features->size(), b.aux_features->size());
    const Tensor whole = a.aux_features->read_range(0, a.aux_features->size());
    // Rows read alone, in a scattered batch with repeats, and all at once: the same bits.
    for (const std::vector<int64_t>& rows : std::vector<std::vector<int64_t>>{{7}, {199, 3, 3, 128, 0, 64}}) {
      const Tensor x = a.aux_features->read(rows), y = b.aux_features->read(rows);
      EXPECT_EQ(x.to_vector(), y.to_vector()) << defence;
      for (size_t i = 0; i < rows.size(); ++i)
        EXPECT_EQ(y.slice(static_cast<int64_t>(i), static_cast<int64_t>(i) + 1).to_vector(),
                  whole.slice(rows[i], rows[i] + 1).to_vector())
            << defence << " row " << rows[i];
    }
    EXPECT_EQ(read_all(*b.aux_features).to_vector(), whole.to_vector()) << defence;
    EXPECT_EQ(a.target_features.to_vector(), b.target_features.to_vector()) << defence;
  }
  const auto entries = [](const std::filesystem::path& dir) {
    return std::distance(std::filesystem::directory_iterator(dir), std::filesystem::directory_iterator());
  };
  EXPECT_EQ(entries(cached.cache_dir), 4) << "auxiliary and held-out features of both nodes";
  EXPECT_EQ(entries(recomputed.cache_dir), 2) << "held-out features only";
}

}  // namespace
}  // namespace splitleak::experiments
