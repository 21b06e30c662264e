#pragma once
// The defences of a run (issue 20, docs/defences.md): each defended pair's utility, and the
// decision among every (cut, defence) pair.
#include <cstdint>
#include <optional>

#include "datasets/image_set.h"
#include "experiments/results.h"
#include "victim/partition.h"

namespace splitleak::experiments {

// Top-1 accuracy on `test` of back(front(x)), the back partition unchanged and a random defence
// at the front's output drawing from `seed`; NaN when `test` has no labels.
double defended_accuracy(const victim::Partition& p, const datasets::ImageRows& test, uint64_t seed,
                         int64_t batch = 256);

// results.decision (results.h's PairDecision) from results.cuts, results.defended, the
// recommendation under the deciding rule and privacy.max_accuracy_drop; none when no pair
// qualifies. Ties go to the earlier cut, then the earlier defence.
std::optional<PairDecision> decide_pair(const RunResults& results);

}  // namespace splitleak::experiments
