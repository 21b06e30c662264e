// experiments/cluster.h for a splitleak built without MPI: always one rank. A launch of several
// ranks (mpirun, srun) is refused, since each would run the whole experiment on its own.
#include <algorithm>
#include <cstdlib>
#include <string>

#include "core/error.h"
#include "experiments/cluster.h"

namespace splitleak::experiments::cluster {
namespace {

const Place g_place;

// The number of ranks a launcher announced, or 1.
int launched_ranks() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "SLURM_STEP_NUM_TASKS"})
    if (const char* value = std::getenv(name)) return std::max(1, std::atoi(value));
  return 1;
}

}  // namespace

void start(int&, char**&) {
  const int ranks = launched_ranks();
  check(ranks == 1, "launched as one of " + std::to_string(ranks) +
                        " ranks, but this splitleak was built without MPI (install libopenmpi-dev and rebuild; "
                        "docs/cluster.md)");
}

const Place& place() { return g_place; }
std::string rank_prefix() { return ""; }
int finish(int code) { return code; }
void agree_on_exit() {}
int share_status(int status) { return status; }
void broadcast(std::span<float>) {}
void broadcast(std::span<int64_t>) {}

}  // namespace splitleak::experiments::cluster
