// The run's disk estimate: each part from the configuration, the model's shapes and the
// attackers' measured state; a run the file system cannot hold is refused naming need and free,
// less what a resumed run has written already; free space comes from the file system itself.
#include <gtest/gtest.h>

#include <fstream>

#include "core/error.h"
#include "experiments/disk_estimate.h"
#include "experiments/memory_estimate.h"
#include "tests/support/temp_dir.h"

namespace splitleak::experiments {
namespace {

namespace fs = std::filesystem;

ExperimentConfig config(const std::string& name, const std::string& extra) {
  const fs::path file = testing::fresh_dir("disk_estimate_" + name) / "exp.yaml";
  std::ofstream(file) << "dataset: {kind: fashion-mnist, aux: 300, test: 40}\n"
                      << "victim: {model: lenet5, cuts: [relu1, pool2]}\nattackers:\n"
                      << "  - {kind: inverse_net, steps: 5, batch_size: 4, ngf: 8, stem_channels: 8, seeds: 2}\n"
                      << "  - {kind: rmle}\n"
                      << extra;
  return load_experiment(file.string());
}

TEST(DiskEstimate, EachPartFollowsTheShapesAndTheAttackersState) {
  const ExperimentConfig c = config("parts", "");
  const victim::Graph g = experiment_model(c);
  const auto cuts = select_cuts(g, c.victim);
  const auto measured = measure_configurations(c, g, cuts);
  const RunDisk d = estimate_run_disk(c, g, cuts, 0, state_bytes_of(measured));
  const int64_t rows = 340, relu1 = 6 * 28 * 28, pool2 = 16 * 5 * 5, logits = 10;  // three nodes: the output too
  EXPECT_EQ(d.feature_cache, rows * (relu1 + pool2 + logits) * 4);
  EXPECT_EQ(d.largest_node, rows * relu1 * 4);
  EXPECT_EQ(d.largest_node_name, "relu1");
  const int64_t state = measured.at(configuration_key(c.attackers[0])).state_bytes;
  EXPECT_GT(state, 0);
  EXPECT_EQ(measured.at(configuration_key(c.attackers[1])).state_bytes, 0);  // rmle learns nothing
  EXPECT_EQ(d.checkpoints, 3 * 2 * state);  // three nodes, two restarts
  EXPECT_EQ(d.reconstructions, 3 * 3 * 8 * 28 * 28 * 4);  // three items a node, eight images each
  EXPECT_EQ(d.image_stores, 0);
  EXPECT_EQ(d.victims, 0);
  EXPECT_EQ(d.total(), d.feature_cache + d.checkpoints + d.reconstructions + d.results);
  const ExperimentConfig trained = config("trained", "defences: [{kind: noise, sigma: 0.5, finetune: 1}]\n");
  const RunDisk t = estimate_run_disk(trained, g, cuts, 0, state_bytes_of(measured));
  EXPECT_EQ(t.feature_cache, rows * (2 * relu1 + 2 * pool2 + logits) * 4);  // each defended node stores its own
  EXPECT_EQ(t.victims, 2 * 4 * g.parameter_count() * 4);  // a fine-tuned victim per cut
}

TEST(DiskEstimate, ARunBeyondTheFreeSpaceIsRefusedNamingNeedAndFree) {
  const ExperimentConfig c = config("refused", "");
  RunDisk d;
  d.feature_cache = int64_t{3} << 30;
  d.checkpoints = int64_t{1} << 30;
  const fs::path dir = testing::fresh_dir("disk_estimate_dir");
  EXPECT_NO_THROW(check_run_disk(d, dir.string(), int64_t{4} << 30, "exp.yaml"));
  EXPECT_NO_THROW(check_run_disk(d, dir.string(), -1, "exp.yaml"));  // free space unknown: not refused
  try {
    check_run_disk(d, dir.string(), int64_t{1} << 30, "exp.yaml");
    FAIL() << "4 GiB fit in 1 GiB";
  } catch (const Error& e) {
    const std::string what = e.what();
    EXPECT_EQ(e.kind(), Error::Kind::BadInput);
    EXPECT_NE(what.find("exp.yaml: the run needs about 4.0 GiB (feature cache 3.0 GiB"), std::string::npos) << what;
    EXPECT_NE(what.find("on the file system of " + dir.string() + ", which has 1.0 GiB free"), std::string::npos) << what;
  }
  // A resumed run needs only what it has not written yet.
  std::ofstream(dir / "written.bin", std::ios::binary) << std::string(1 << 20, 'x');
  d.feature_cache = (int64_t{1} << 30) + (int64_t{1} << 20);  // 2 GiB and 1 MiB in all, 1 MiB of it written
  d.checkpoints = int64_t{1} << 30;
  EXPECT_EQ(bytes_under(dir.string()), 1 << 20);
  EXPECT_NO_THROW(check_run_disk(d, dir.string(), int64_t{2} << 30, "exp.yaml"));
  EXPECT_THROW(check_run_disk(d, dir.string(), (int64_t{2} << 30) - 1, "exp.yaml"), Error);
}

TEST(DiskEstimate, FreeSpaceComesFromTheFileSystem) {
  const fs::path dir = testing::fresh_dir("disk_estimate_free");
  const int64_t free = free_disk_bytes(dir.string());
  EXPECT_GT(free, 0);
  EXPECT_EQ(free_disk_bytes((dir / "not" / "yet" / "made").string()), free);  // its nearest existing folder
  EXPECT_EQ(bytes_under((dir / "absent").string()), 0);
}

}  // namespace
}  // namespace splitleak::experiments
