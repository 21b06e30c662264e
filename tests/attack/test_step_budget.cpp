// Budgets by convergence (attack/step_budget.h): a learned attacker on an automatic budget cuts
// its rate at the checks the runner finds flat, never before min_steps, stops at the flat check
// after kLrDrops cuts, runs to the cap when the curve never flattens, and ends bit-identical to
// the fixed run of as many steps with the same rate cuts, and so after a resume.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <set>

#include "attack/attacker.h"
#include "attack/convergence.h"
#include "attack/step_budget.h"
#include "core/error.h"
#include "tests/attack/lenet_cut.h"

namespace splitleak::attack {
namespace {

using testing::LeNetCut;

// What a learned attacker's automatic fit did: the steps it took, the evaluations and the checks
// the runner was asked about.
struct AutoRun {
  std::unique_ptr<Attacker> attacker;
  int64_t steps = 0;
  std::vector<int64_t> evaluated, asked;
};

struct Fixture {
  LeNetCut cut{"pool1", 48};
  AttackContext ctx{{6, 14, 14}, {1, 28, 28}, nullptr, Device{}};

  static std::map<std::string, std::string> settings(const std::string& kind) {
    std::map<std::string, std::string> small{{"ngf", "8"}, {"stem_channels", "8"}};
    if (kind == "cgan") small["ndf"] = "8";
    return small;
  }
  static FitOptions fixed(int64_t steps) {
    FitOptions o;
    o.steps = steps, o.batch_size = 8, o.seed = 5;
    return o;
  }
  // An automatic fit capped at `cap`, checking every 4 steps, whose curve the runner finds flat
  // at the checks in `flat`.
  AutoRun automatic(const std::string& kind, int64_t cap, int64_t min_steps, std::set<int64_t> flat,
                    const std::string& checkpoint = "", int64_t stop_after = -1) const {
    AutoRun run;
    run.attacker = make_attacker(kind, Config("test", settings(kind)), ctx);
    FitOptions o = fixed(cap);
    o.checkpoint = checkpoint, o.checkpoint_every = 3;
    o.min_steps = min_steps;
    o.plateau_checks = plateau_checks(cap, 4);
    o.evaluate_at = auto_evaluation_steps(cap, 4);
    o.evaluate = [&run](int64_t step) { run.evaluated.push_back(step); };
    o.plateaued = [&run, flat](int64_t step) {
      run.asked.push_back(step);
      return flat.count(step) > 0;
    };
    o.progress = [&run, stop_after](const FitProgress& p) {
      run.steps = p.step;
      if (p.step == stop_after) throw Error("killed");
    };
    run.attacker->fit(TensorSamples(cut.features), TensorSamples(cut.data.images), o);
    return run;
  }
  std::vector<float> fixed_run(const std::string& kind, int64_t steps, std::vector<int64_t> drops) const {
    auto attacker = make_attacker(kind, Config("test", settings(kind)), ctx);
    FitOptions o = fixed(steps);
    o.lr_drops = std::move(drops);
    attacker->fit(TensorSamples(cut.features), TensorSamples(cut.data.images), o);
    return attacker->reconstruct(cut.features).to_vector();
  }
};

TEST(StepBudget, AnAutomaticRunCutsItsRateAtFlatChecksAndStopsAtTheLast) {
  const Fixture f;
  for (const std::string kind : {"inverse_net", "cgan"}) {
    const AutoRun run = f.automatic(kind, 60, 8, {4, 12, 20, 28, 32});
    EXPECT_EQ(run.steps, 28) << kind << ": cut at 12 and 20, stopped at 28";
    EXPECT_EQ(run.asked, (std::vector<int64_t>{8, 12, 16, 20, 24, 28})) << kind << ": asked from min_steps on";
    const std::set<int64_t> evaluated(run.evaluated.begin(), run.evaluated.end());
    EXPECT_TRUE(evaluated.count(28) && evaluated.count(last_fifth_start(28))) << kind << ": the rule's points at the stop";
    EXPECT_EQ(run.attacker->reconstruct(f.cut.features).to_vector(), f.fixed_run(kind, 28, {12, 20})) << kind;
    EXPECT_NE(run.attacker->reconstruct(f.cut.features).to_vector(), f.fixed_run(kind, 28, {12, 24})) << kind;
  }
}

TEST(StepBudget, NeverBeforeMinStepsAndTheCapWhenNeverFlat) {
  const Fixture f;
  const AutoRun early = f.automatic("inverse_net", 60, 16, {4, 8, 12, 16, 20, 24, 28});
  EXPECT_EQ(early.asked.front(), 16);
  EXPECT_EQ(early.steps, 24);
  const AutoRun capped = f.automatic("inverse_net", 30, 8, {12});
  EXPECT_EQ(capped.steps, 30);
  const std::set<int64_t> evaluated(capped.evaluated.begin(), capped.evaluated.end());
  EXPECT_TRUE(evaluated.count(30) && evaluated.count(last_fifth_start(30))) << "the rule's points at the cap";
  EXPECT_EQ(capped.attacker->reconstruct(f.cut.features).to_vector(), f.fixed_run("inverse_net", 30, {12}));
}

TEST(StepBudget, AResumedAutomaticRunEndsBitIdentical) {
  const Fixture f;
  const auto dir = std::filesystem::temp_directory_path() / ("splitleak_step_budget_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string checkpoint = (dir / "a.h5").string();
  const std::set<int64_t> flat{12, 20, 28};
  const AutoRun whole = f.automatic("cgan", 60, 8, flat);
  // Killed after both cuts (step 23: checkpoint at 21) and between them (step 16: checkpoint at 15).
  for (const int64_t kill : {23, 16}) {
    std::filesystem::remove(checkpoint);
    EXPECT_THROW(f.automatic("cgan", 60, 8, flat, checkpoint, kill), Error);
    const AutoRun resumed = f.automatic("cgan", 60, 8, flat, checkpoint);
    EXPECT_EQ(resumed.steps, whole.steps) << kill;
    EXPECT_EQ(resumed.attacker->reconstruct(f.cut.features).to_vector(),
              whole.attacker->reconstruct(f.cut.features).to_vector())
        << "killed at " << kill;
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace splitleak::attack
