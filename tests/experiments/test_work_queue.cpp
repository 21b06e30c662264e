// The work queue alone (experiments/work_queue.h): items in plan order, a node's features
// computed by one worker while the others take other nodes' items or wait, finished items never
// handed out, and a failure that lets another worker compute the features again.
#include <gtest/gtest.h>

#include "core/error.h"
#include "experiments/work_queue.h"

namespace splitleak::experiments {
namespace {

// `nodes` nodes of `per_node` items each, in plan order.
RunPlan plan_of(size_t nodes, size_t per_node) {
  RunPlan plan;
  for (size_t k = 0; k < nodes; ++k) {
    const std::string name = std::to_string(k);  // ("n" + k trips GCC 12's -Wrestrict)
    plan.nodes.push_back({name, static_cast<int>(k), name, k, true});
    for (size_t i = 0; i < per_node; ++i) {
      WorkItem item;
      item.node = k, item.attacker = i;
      plan.items.push_back(item);
    }
  }
  return plan;
}

Assignment item(size_t index) { return {Assignment::Kind::Item, index}; }

void expect_assignment(const Assignment& got, const Assignment& want) {
  EXPECT_EQ(got.kind, want.kind);
  if (want.kind == Assignment::Kind::Item) {
    EXPECT_EQ(got.item, want.item);
  }
}

TEST(WorkQueue, OneWorkerTakesEveryItemInPlanOrder) {
  const RunPlan plan = plan_of(2, 2);
  WorkQueue queue(plan, std::vector<bool>(4, false));
  for (size_t i = 0; i < 4; ++i) {
    const Assignment next = queue.next(0);
    expect_assignment(next, item(i));
    queue.features_ready(plan.items[next.item].node);
    queue.finished(next.item, 0, "");
  }
  expect_assignment(queue.next(0), {Assignment::Kind::Stop, 0});
  EXPECT_TRUE(queue.failures().empty());
  EXPECT_EQ(queue.in_flight(), 0u);
}

TEST(WorkQueue, ANodesFeaturesAreComputedOnceWhileOthersTakeOtherNodes) {
  const RunPlan plan = plan_of(2, 2);  // items 0, 1 at node 0; 2, 3 at node 1
  WorkQueue queue(plan, std::vector<bool>(4, false));
  expect_assignment(queue.next(0), item(0));  // worker 0 computes node 0's features
  expect_assignment(queue.next(1), item(2));  // not item 1: worker 1 computes node 1's
  expect_assignment(queue.next(2), {Assignment::Kind::Wait, 0});  // both nodes being computed
  queue.features_ready(1);
  expect_assignment(queue.next(2), item(3));  // node 1 is ready; node 0 still is not
  queue.features_ready(0);
  expect_assignment(queue.next(3), item(1));
  expect_assignment(queue.next(3), {Assignment::Kind::Stop, 0});
  EXPECT_EQ(queue.in_flight(), 4u);
  for (size_t i = 0; i < 4; ++i) queue.finished(i, 0, "");
  EXPECT_EQ(queue.in_flight(), 0u);
}

TEST(WorkQueue, FinishedItemsAreNotHandedOut) {
  const RunPlan plan = plan_of(2, 2);
  WorkQueue queue(plan, {true, false, true, true});
  EXPECT_EQ(queue.pending(), 1u);
  expect_assignment(queue.next(0), item(1));
  expect_assignment(queue.next(0), {Assignment::Kind::Stop, 0});
}

TEST(WorkQueue, AFailureIsRecordedAndFreesTheNodeForAnotherWorker) {
  const RunPlan plan = plan_of(1, 3);
  WorkQueue queue(plan, std::vector<bool>(3, false));
  expect_assignment(queue.next(0), item(0));
  expect_assignment(queue.next(1), {Assignment::Kind::Wait, 0});
  queue.finished(0, 0, "the features did not fit in memory");  // before features_ready
  expect_assignment(queue.next(1), item(1));  // worker 1 computes them now
  ASSERT_EQ(queue.failures().size(), 1u);
  EXPECT_EQ(queue.failures()[0].item, 0u);
  EXPECT_EQ(queue.failures()[0].worker, 0);
  EXPECT_EQ(queue.failures()[0].error, "the features did not fit in memory");
  EXPECT_THROW(WorkQueue(plan, {true}), Error);
}

}  // namespace
}  // namespace splitleak::experiments
