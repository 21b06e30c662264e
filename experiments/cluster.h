#pragma once
// Where this process stands among the ranks of a run: alone (the default), or one of N ranks
// launched by `mpirun -n N` or Slurm's `srun` (docs/cluster.md). MPI is initialised only when the
// environment says a launcher started the process, so a plain `splitleak` never touches it; a
// splitleak built without MPI (CMake found none) refuses a launch with more than one rank.
//
// Waiting is never a busy loop: ranks idle for minutes while rank 0 trains the victim or measures
// latency, and spinning ranks would steal its cores. Every wait below polls a non-blocking MPI
// call and sleeps between polls.
#include <cstdint>
#include <span>
#include <string>

namespace splitleak::experiments::cluster {

struct Place {
  int rank = 0, size = 1;              // in the job
  int local_rank = 0, local_size = 1;  // among the ranks on this machine
};

// Call once, first thing in main. Throws Error when launched as one of several ranks by a
// splitleak built without MPI.
void start(int& argc, char**& argv);
const Place& place();
inline bool is_root() { return place().rank == 0; }
// "rank 2/4: " under MPI, "" alone: the prefix of this process's messages.
std::string rank_prefix();

// The last call of main, with the exit code it is about to return. When every rank expects this
// exit (code 0, or agree_on_exit() was called), waits for every rank and finalises MPI;
// otherwise aborts the whole job with `code` (the other ranks may be waiting on this one).
int finish(int code);
// From now on an exit of this process (with any code) is one the other ranks expect.
void agree_on_exit();

// Rank 0's `status` (0: go on; otherwise the exit code it is stopping with) to every rank;
// returns it. Rank 0 calls this after a step only it runs, the others wait in it.
int share_status(int status);
// Rank 0's `values` to every rank (the others' `values` must have the same size).
void broadcast(std::span<float> values);
void broadcast(std::span<int64_t> values);

}  // namespace splitleak::experiments::cluster
