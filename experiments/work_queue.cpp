#include "experiments/work_queue.h"

#include "core/error.h"

namespace splitleak::experiments {

WorkQueue::WorkQueue(const RunPlan& plan, const std::vector<bool>& finished_before)
    : plan_(plan), node_ready_(plan.nodes.size(), false), node_preparer_(plan.nodes.size(), kNobody) {
  check(finished_before.size() == plan.items.size(), "WorkQueue: one finished flag per plan item");
  for (size_t i = 0; i < plan.items.size(); ++i)
    if (!finished_before[i]) pending_.push_back(i);
}

Assignment WorkQueue::next(int worker) {
  if (pending_.empty()) return {Assignment::Kind::Stop, 0};
  for (auto it = pending_.begin(); it != pending_.end(); ++it) {
    const size_t node = plan_.items[*it].node;
    const bool can_prepare = node_preparer_[node] == kNobody || node_preparer_[node] == worker;
    if (!node_ready_[node] && !can_prepare) continue;
    if (!node_ready_[node]) node_preparer_[node] = worker;
    const size_t item = *it;
    pending_.erase(it);
    ++in_flight_;
    return {Assignment::Kind::Item, item};
  }
  return {Assignment::Kind::Wait, 0};
}

void WorkQueue::features_ready(size_t node) {
  node_ready_.at(node) = true;
  node_preparer_[node] = kNobody;
}

void WorkQueue::finished(size_t item, int worker, const std::string& error) {
  check(in_flight_ > 0, "WorkQueue: an item finished that was not handed out");
  --in_flight_;
  if (error.empty()) return;
  failures_.push_back({item, worker, error});
  // Features that failed to be computed: the next worker to take the node tries again.
  const size_t node = plan_.items.at(item).node;
  if (node_preparer_[node] == worker) node_preparer_[node] = kNobody;
}

}  // namespace splitleak::experiments
