// The run's memory estimate: each part from the configuration and the model's shapes, the
// attackers' steps measured and scaled with their batch, and a run that cannot fit refused.
#include <gtest/gtest.h>

#include <fstream>

#include "core/error.h"
#include "experiments/memory_estimate.h"
#include "tests/support/temp_dir.h"

namespace splitleak::experiments {
namespace {

namespace fs = std::filesystem;

ExperimentConfig config(const std::string& name, const std::string& attackers) {
  const fs::path file = testing::fresh_dir("memory_estimate_" + name) / "exp.yaml";
  std::ofstream(file) << "dataset: {kind: fashion-mnist, aux: 300, test: 40}\n"
                      << "victim: {model: lenet5, cuts: [relu1, pool2]}\nattackers:\n" << attackers;
  return load_experiment(file.string());
}

TEST(MemoryEstimate, DataAndModelPartsFollowTheShapes) {
  const ExperimentConfig c = config("parts", "  - {kind: inverse_net, steps: 5, batch_size: 4, ngf: 8}\n");
  const victim::Graph g = experiment_model(c);
  const RunMemory m = data_and_model_memory(c, g, select_cuts(g, c.victim));
  EXPECT_EQ(m.victim, g.parameter_count() * 4);
  const int64_t image = 28 * 28 * 4, relu1 = 6 * 28 * 28 * 4;  // relu1 is the largest node attacked
  EXPECT_EQ(m.dataset, 70'000 * image);
  EXPECT_EQ(m.held_out, 40 * (2 * image + relu1));
  EXPECT_EQ(m.aux_features, 300 * relu1);
  EXPECT_GT(m.extraction, 128 * relu1);  // 128 rows of conv1's output at least
  EXPECT_LT(m.extraction, 128 * 20 * relu1);
  EXPECT_EQ(m.attacker, 0);
  EXPECT_EQ(m.total(), m.victim + m.extraction + m.dataset + m.held_out + m.aux_features);
}

TEST(MemoryEstimate, AnAttackersStepGrowsWithItsBatchAndWidth) {
  const auto attacker_bytes = [](const std::string& name, const std::string& entry) {
    const ExperimentConfig c = config(name, "  - " + entry + "\n");
    const victim::Graph g = experiment_model(c);
    return estimate_run_memory(c, g, select_cuts(g, c.victim), measure_configurations(c, g, select_cuts(g, c.victim))).attacker;
  };
  const int64_t small = attacker_bytes("b8", "{kind: inverse_net, steps: 5, batch_size: 8, ngf: 8}");
  const int64_t batch = attacker_bytes("b64", "{kind: inverse_net, steps: 5, batch_size: 64, ngf: 8}");
  const int64_t wide = attacker_bytes("w32", "{kind: inverse_net, steps: 5, batch_size: 8, ngf: 32}");
  EXPECT_GT(small, 0);
  // A step's activations grow with the batch: at least half of 8x more per-image bytes show.
  EXPECT_GT(batch, small * 3);
  EXPECT_GT(wide, small * 2);
  // The largest configuration of the list is the one that counts.
  const ExperimentConfig both = config("both", "  - {kind: inverse_net, steps: 5, batch_size: 8, ngf: 8}\n"
                                               "  - {kind: inverse_net, steps: 5, batch_size: 64, ngf: 8}\n");
  const victim::Graph g = experiment_model(both);
  EXPECT_EQ(estimate_run_memory(both, g, select_cuts(g, both.victim), measure_configurations(both, g, select_cuts(g, both.victim))).attacker, batch);
}

TEST(MemoryEstimate, ARunThatCannotFitIsRefusedWithTheEstimate) {
  RunMemory m;
  m.victim = 1 << 20;
  EXPECT_NO_THROW(check_run_memory(m, "exp.yaml"));
  m.attacker = int64_t{1} << 50;  // 1 PiB
  try {
    check_run_memory(m, "exp.yaml");
    FAIL() << "1 PiB was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), Error::Kind::BadInput);
    const std::string text = e.what();
    EXPECT_EQ(text.rfind("exp.yaml: the run needs about 1.0 PiB at the peak (attacker step 1.0 PiB", 0), 0u) << text;
    EXPECT_NE(text.find("available; lower dataset.test"), std::string::npos) << text;
  }
}

}  // namespace
}  // namespace splitleak::experiments
