#pragma once
// The steps of a run that differ between rank 0 and the other ranks (experiments/cluster.h); in
// a run of one process each is the plain step.
#include <functional>
#include <string>

#include "core/device.h"
#include "victim/graph.h"

namespace splitleak::experiments {

// Runs `step` on rank 0 only, the other ranks waiting. When it throws, rank 0 rethrows and every
// other rank throws an Error of the same exit code saying rank 0 stopped the run.
void on_root(const std::function<void()>& step);

// Rank 0's weights of `graph` (every tensor) to every rank; the graphs must have the same tensors.
void share_weights(victim::Graph& graph);

// The attack device of a rank: `spec` parsed, except that in a run of several `ranks` an unpinned
// `opencl` takes device (local_rank mod devices) of platform 0 (one rank per GPU of a node), where
// `devices` is how many devices platform 0 has (0: the spec as parsed, which names what is missing).
Device device_for_rank(const std::string& spec, int ranks, int local_rank, int devices);
// device_for_rank for this process's place in the run and this machine's devices.
Device rank_device(const std::string& spec);

}  // namespace splitleak::experiments
