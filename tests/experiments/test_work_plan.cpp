// The run as a plan of work items and its collector, each alone: the plan's nodes, items, seeds
// and file stems; the collector folding items read back from the run directory, choosing the
// restart with the best validation SSIM, and naming an item without results.
#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "core/error.h"
#include "experiments/collector.h"
#include "experiments/pair_store.h"
#include "experiments/work_plan.h"
#include "tests/support/temp_dir.h"
#include "victim/zoo/zoo.h"

namespace splitleak::experiments {
namespace {

namespace fs = std::filesystem;

ExperimentConfig config(const fs::path& dir, const std::string& cuts) {
  const fs::path file = dir / "exp.yaml";
  std::ofstream(file) << "seed: 7\nvictim: {model: lenet5, cuts: " << cuts
                      << "}\nattackers:\n  - {kind: inverse_net, steps: 20, seeds: 2}\n  - {kind: rmle}\n";
  return load_experiment(file.string());
}

TEST(WorkPlan, NodesItemsSeedsAndStems) {
  const auto dir = testing::fresh_dir("work_plan");
  const ExperimentConfig c = config(dir, "[relu1, pool2]");
  const victim::Graph g = victim::zoo::build("lenet5");
  const RunPlan plan = plan_work(c, g, select_cuts(g, c.victim));
  ASSERT_EQ(plan.nodes.size(), 3u);  // two cuts, then the output floor
  EXPECT_FALSE(plan.floor_is_cut);
  EXPECT_EQ(plan.nodes[2].name, g.output().name);
  EXPECT_EQ(plan.nodes[2].file_stem, "floor." + g.output().name);
  EXPECT_FALSE(plan.nodes[2].is_cut);
  EXPECT_EQ(plan.nodes[1].seed, 7u * 1000003u + 1009u);
  ASSERT_EQ(plan.items.size(), 3u * 3u);  // per node: two restarts of inverse_net, one rmle
  const WorkItem& second_restart = plan.items[1];
  EXPECT_EQ(second_restart.stem, "relu1.0.inverse_net.s1");
  EXPECT_EQ(second_restart.fit_seed, plan.nodes[0].seed + 104729u);
  EXPECT_EQ(second_restart.label, "[relu1] inverse_net seed 2/2");
  EXPECT_EQ(plan.items[2].stem, "relu1.1.rmle");
  EXPECT_EQ(plan.items[2].fit_seed, plan.nodes[0].seed + 1);
  EXPECT_EQ(plan.items_of(2).size(), 3u);
  EXPECT_EQ(plan.restarts_of(1, 0).size(), 2u);
  // With the output among the cuts there is no extra node.
  const ExperimentConfig with_output = config(dir, "[relu1, " + g.output().name + "]");
  const RunPlan plan2 = plan_work(with_output, g, select_cuts(g, with_output.victim));
  EXPECT_TRUE(plan2.floor_is_cut);
  EXPECT_EQ(plan2.nodes.size(), 2u);
  EXPECT_EQ(plan.floor_node(), 2u);
  EXPECT_EQ(plan2.floor_node(), 1u);  // the last cut
}

// Defended nodes follow the undefended ones and the floor, defence by defence, cut by cut; the
// undefended nodes keep the seeds and stems a run without defences gives them.
TEST(WorkPlan, DefendedNodesComeAfterTheUndefendedOnes) {
  const auto dir = testing::fresh_dir("work_plan_defences");
  const fs::path file = dir / "exp.yaml";
  std::ofstream(file) << "seed: 7\nvictim: {model: lenet5, cuts: [relu1, pool2]}\nattackers:\n  - {kind: rmle}\n"
                         "defences:\n  - {kind: noise, sigma: 0.5}\n  - {kind: quantize, bits: 4}\n";
  const ExperimentConfig c = load_experiment(file.string());
  const victim::Graph g = victim::zoo::build("lenet5");
  const RunPlan plan = plan_work(c, g, select_cuts(g, c.victim));
  const RunPlan undefended = plan_work(config(dir, "[relu1, pool2]"), g, select_cuts(g, c.victim));
  ASSERT_EQ(plan.nodes.size(), 3u + 2u * 2u);
  for (size_t k = 0; k < 3; ++k) {
    EXPECT_EQ(plan.nodes[k].seed, undefended.nodes[k].seed);
    EXPECT_EQ(plan.nodes[k].file_stem, undefended.nodes[k].file_stem);
    EXPECT_EQ(plan.nodes[k].defence, 0u);
  }
  EXPECT_EQ(plan.node_of(1, 0), 1u);
  const AttackedNode& pool2_quantized = plan.nodes[plan.node_of(1, 2)];
  EXPECT_EQ(plan.node_of(1, 2), 6u);
  EXPECT_EQ(pool2_quantized.name, "pool2");
  EXPECT_EQ(pool2_quantized.defence, 2u);
  EXPECT_EQ(pool2_quantized.file_stem, "pool2~quantize_bits_4_");
  std::set<uint64_t> seeds;
  for (const AttackedNode& n : plan.nodes) seeds.insert(n.seed);
  EXPECT_EQ(seeds.size(), plan.nodes.size());
  EXPECT_EQ(plan.items_of(plan.node_of(0, 1)).front().label, "[relu1 | noise(sigma=0.5)] rmle");
  // The floor is the output node, not the plan's last (a defended) node.
  EXPECT_EQ(plan.floor_node(), 2u);
  EXPECT_EQ(plan.nodes[plan.floor_node()].file_stem, "floor." + g.output().name);
}

// A restart's files as the executor writes them: constant per-image scores and a flat curve.
void write_item(const fs::path& run_dir, const WorkItem& item, const std::string& kind, double ssim, bool learned) {
  SeedRun run;
  run.scores.attacker = kind;
  run.scores.ssim.assign(4, ssim), run.scores.psnr.assign(4, 20.0), run.scores.mse.assign(4, 0.01);
  run.scores.label_leak.assign(4, 1.0);
  run.learned = learned;
  for (int64_t step = 1; learned && step <= 20; ++step) run.curve.steps.push_back(step), run.curve.ssim.push_back(ssim);
  save_seed(pair_files(run_dir, item.stem), run, Tensor::zeros({1, 1, 28, 28}));
}

TEST(Collector, FoldsItemsFromTheRunDirectory) {
  const auto dir = testing::fresh_dir("collector");
  for (const char* sub : {"partial", "checkpoints"}) fs::create_directories(dir / sub);
  const ExperimentConfig c = config(dir, "[relu1]");
  const victim::Graph g = victim::zoo::build("lenet5");
  const RunPlan plan = plan_work(c, g, select_cuts(g, c.victim));
  auto log = std::make_shared<spdlog::logger>("collector_test");
  const auto restarts = plan.restarts_of(0, 0);
  write_item(dir, restarts[0], "inverse_net", 0.2, true);
  write_item(dir, restarts[1], "inverse_net", 0.4, true);
  // The rmle item is missing: the collector names it.
  try {
    collect_node(c, dir, plan, 0, log);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("[relu1] rmle: no results"), std::string::npos) << e.what();
  }
  write_item(dir, plan.restarts_of(0, 1)[0], "rmle", 0.6, false);
  const AttackedCut cut = collect_node(c, dir, plan, 0, log);
  ASSERT_EQ(cut.attackers.size(), 2u);
  EXPECT_EQ(cut.attackers[0].chosen_seed, 1u);  // the better validation SSIM
  EXPECT_DOUBLE_EQ(cut.attackers[0].ssim_mean.mean, 0.4);
  EXPECT_EQ(cut.attackers[0].seeds.size(), 2u);
  EXPECT_DOUBLE_EQ(cut.attackers[1].ssim_mean.mean, 0.6);
  EXPECT_TRUE(cut.attackers[1].seeds.empty());
  EXPECT_EQ(cut.samples.size(), 2u);
}

}  // namespace
}  // namespace splitleak::experiments
