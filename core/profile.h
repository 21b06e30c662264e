#pragma once
// Per-op wall time and GEMM FLOPs of the engine, for `splitleak bench ... --profile` (issue 21: measure before
// tuning). Off unless started: each op then pays one thread-local load. The engine issues ops from
// one thread (each op parallelises inside itself), so on the thread that started it:
// - an op's forward is the time from the end of the previous op (or of a span, or the start) to
//   its autograd::record call, which every differentiable op makes once its output is computed;
// - an op's backward is the time autograd spends on its node (gradient slots and its function);
// - a Span names work between ops that is not an op (an optimiser's update).
// Ops that an op composes (cross_entropy's log_softmax) count as their own.
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace splitleak::profile {

struct OpTime {
  std::string name;
  double forward_ms = 0, backward_ms = 0;  // summed over the calls
  int64_t forward_calls = 0, backward_calls = 0;
  int64_t forward_flops = 0, backward_flops = 0;  // GEMM FLOPs (core/gemm.h) done in that time
};

// Clears the totals and starts attributing time on this thread.
void start();
// Stops; the totals by name, the largest forward + backward first. Time between the last op and
// stop() is not counted.
std::vector<OpTime> stop();

// Whether this thread is profiling.
bool active();
// "op [detail]", interned: the pointer stays valid to the program's end.
const char* with_detail(const char* op, const std::string& detail);
// The name an op records under: `op`, or while profiling "op [describe()]" (its shapes), so a
// profile tells an op's shapes apart. describe() runs only while profiling.
template <class Describe>
const char* label(const char* op, Describe&& describe) {
  return active() ? with_detail(op, describe()) : op;
}

// Called by autograd::record: the forward of `name` ended now.
void forward_done(const char* name);

// While alive, the time is the backward of op `name`; the forward clock restarts at its end.
class BackwardTimer {
 public:
  explicit BackwardTimer(const char* name);
  ~BackwardTimer();
  BackwardTimer(const BackwardTimer&) = delete;
  BackwardTimer& operator=(const BackwardTimer&) = delete;

 private:
  const char* name_;
  std::chrono::steady_clock::time_point t0_;
  int64_t flops0_;
  bool active_;
};

// While alive, the time is the forward of `name` (work that is not an op); time since the previous
// op before it is "(between ops)".
class Span {
 public:
  explicit Span(const char* name);
  ~Span();
  Span(const Span&) = delete;
  Span& operator=(const Span&) = delete;

 private:
  const char* name_;
  bool active_;
};

}  // namespace splitleak::profile
