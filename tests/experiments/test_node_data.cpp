// What the attackers at an attacked node see (experiments/node_data.h): at a defended node they
// train on defended auxiliary features and are scored on defended held-out features, each drawn
// from its own seed, both through the front the defence was appended to.
#include <gtest/gtest.h>
#include <spdlog/logger.h>

#include "core/random.h"
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
  datasets::FeatureCache cache{testing::fresh_dir("node_data").string()};
  std::shared_ptr<spdlog::logger> log = std::make_shared<spdlog::logger>("node_data");

  DefendedRun() {
    config.dataset.aux = 200, config.dataset.test = 16;  // two 128-row batches of auxiliary features
    config.victim.cuts = {"pool1"};
    config.defences.push_back({{"noise", 0.5}, {}});
    setup.graph = victim::zoo::build("lenet5");
    setup.data.train = datasets::load_fashion_mnist(datasets::Part::Train, {}).slice(0, 400);
    setup.data.test = datasets::load_fashion_mnist(datasets::Part::Test, {}).slice(0, 16);
    plan = plan_work(config, setup.graph, select_cuts(setup.graph, config.victim));
    in = prepare_inputs(config, setup);
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
  Generator attacker_draws(derive_seed(node.seed, 1)), enclave_draws(derive_seed(node.seed, 2));
  const Tensor expected_aux = victim::run_in_batches(front, aux_images, 128, {}, &attacker_draws);
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

}  // namespace
}  // namespace splitleak::experiments
