// The defences' stage (experiments/defence_stage.h): the accuracy through a defended front, and
// the decision among every (cut, defence) pair.
#include <gtest/gtest.h>

#include <cmath>

#include "datasets/fashion_mnist.h"
#include "experiments/defence_stage.h"
#include "victim/defence.h"
#include "victim/execute.h"
#include "victim/train.h"
#include "victim/zoo/zoo.h"

namespace splitleak::experiments {
namespace {

TEST(DefenceStage, AccuracyThroughTheFrontAndBack) {
  const victim::Graph g = victim::zoo::build("lenet5");
  const datasets::ImageRows test = datasets::load_fashion_mnist(datasets::Part::Test, {}).slice(0, 300);
  const victim::Partition p = victim::partition(g, "pool1");
  EXPECT_EQ(defended_accuracy(p, test, 1), victim::accuracy(g, test));
  victim::FeatureStatistics statistics;
  statistics.add(victim::run(p.front, test.images->read_range(0, 100)));
  victim::Partition noisy = p;
  noisy.front = victim::defend(p.front, {"noise", 0.5}, statistics);
  const double a = defended_accuracy(noisy, test, 1);
  EXPECT_EQ(defended_accuracy(noisy, test, 1), a);  // seeded
  datasets::ImageRows unlabelled = test;
  unlabelled.class_names.clear();
  EXPECT_TRUE(std::isnan(defended_accuracy(p, unlabelled, 1)));
}

// A run's results reduced to what the decision reads.
struct Results {
  RunResults r;
  Results() {
    r.config.defences.push_back({{"noise", 0.5}, {}});
    r.config.defences.push_back({{"quantize", 4}, {}});
    r.config.privacy.max_accuracy_drop = 0.01;
    r.victim.accuracy = 0.90;
    for (const char* name : {"conv1", "pool1", "fc1"}) {
      CutResult c;
      c.name = name;
      r.cuts.push_back(c);
    }
    for (size_t d = 1; d <= 2; ++d)
      for (size_t k = 0; k < 3; ++k) {
        CutResult c = r.cuts[k];
        c.defence = d;
        c.accuracy = 0.90;
        r.defended.push_back(c);
      }
  }
  CutResult& pair(size_t cut, size_t defence) { return defence == 0 ? r.cuts[cut] : r.defended[(defence - 1) * 3 + cut]; }
  void set(size_t cut, size_t defence, bool safe, double ms, double accuracy = 0.90) {
    CutResult& c = pair(cut, defence);
    c.verdict.safe = safe, c.latency.tee_ms = ms, c.accuracy = accuracy;
  }
};

TEST(DefenceStage, TheFastestSafePairWithinTheAccuracyBudget) {
  Results t;
  t.set(0, 0, false, 1), t.set(1, 0, false, 5), t.set(2, 0, true, 10);
  t.r.recommended = 2;
  t.set(0, 1, true, 2, 0.85);    // safe and fastest, but loses 5%
  t.set(1, 1, true, 6);
  t.set(0, 2, false, 1.5);       // fast but unsafe
  t.set(1, 2, true, 4, 0.895);   // safe, within the budget
  auto d = decide_pair(t.r);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->cut, 1u);
  EXPECT_EQ(d->defence, 2u);
  EXPECT_EQ(d->sentence,
            "quantize(bits=4) at pool1 is safe under absolute, 4.00 ms per split, 2.5x the speed of the earliest safe "
            "undefended cut (fc1), at -0.5% accuracy.");
  t.set(1, 2, true, 40, 0.895);  // now slower than noise at pool1
  d = decide_pair(t.r);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->cut, 1u);
  EXPECT_EQ(d->defence, 1u);
  t.set(1, 1, false, 6);  // and that one leaks: the undefended recommended cut is the fastest left
  d = decide_pair(t.r);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->cut, 2u);
  EXPECT_EQ(d->defence, 0u);
  EXPECT_EQ(d->sentence, "fc1, undefended, is safe under absolute, 10.00 ms per split.");
  t.r.recommended.reset(), t.set(2, 0, false, 10), t.set(1, 2, false, 40);
  EXPECT_FALSE(decide_pair(t.r).has_value());
}

}  // namespace
}  // namespace splitleak::experiments
