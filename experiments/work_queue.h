#pragma once
// The work queue of a run: which work item (work_plan.h) a worker takes next. Workers ask as they
// free up (items differ 100x in cost, so there is no static split). An item goes out in plan
// order once its node's feature maps are ready, or to a worker that will compute them when no one
// is computing them yet: each node's features are computed once and shared through the feature
// cache, and a worker never waits while another node's item is free. The queue is bookkeeping
// only; experiments/executor.h runs it in one process, experiments/rank_executor.h across ranks.
#include <cstddef>
#include <string>
#include <vector>

#include "experiments/work_plan.h"

namespace splitleak::experiments {

struct Assignment {
  enum class Kind { Item, Wait, Stop };
  Kind kind = Kind::Stop;
  size_t item = 0;  // Kind::Item: index into RunPlan::items
};

struct FailedItem {
  size_t item = 0;
  int worker = 0;
  std::string error;
};

class WorkQueue {
 public:
  // `finished_before[i]`: item i's results are in the run directory already (not handed out).
  WorkQueue(const RunPlan& plan, const std::vector<bool>& finished_before);

  // The next item for `worker`; Wait when every pending item waits on features another worker is
  // computing (ask again later); Stop when nothing is pending.
  Assignment next(int worker);
  // `worker` holds the features of `node` (computed or read from the cache).
  void features_ready(size_t node);
  // Item `item` ended on `worker`; `error` is empty when it succeeded.
  void finished(size_t item, int worker, const std::string& error);

  size_t pending() const { return pending_.size(); }
  size_t in_flight() const { return in_flight_; }
  const std::vector<FailedItem>& failures() const { return failures_; }

 private:
  static constexpr int kNobody = -1;
  const RunPlan& plan_;
  std::vector<size_t> pending_;      // item indices, plan order
  std::vector<bool> node_ready_;     // features shared through the cache
  std::vector<int> node_preparer_;   // the worker computing them, or kNobody
  size_t in_flight_ = 0;
  std::vector<FailedItem> failures_;
};

}  // namespace splitleak::experiments
