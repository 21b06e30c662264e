#include "core/profile.h"

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <set>

#include "core/gemm.h"

namespace splitleak::profile {
namespace {

using Clock = std::chrono::steady_clock;

struct State {
  std::map<std::string, OpTime> by_name;
  Clock::time_point last_end = Clock::now();
  int64_t flops_at_last_end = gemm_flops_done();
  int backward_depth = 0;  // ops run inside a backward function belong to it
};

thread_local std::unique_ptr<State> t_state;

double ms_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

// Adds the time since the last end to `name`'s forward; the clock restarts.
void close_interval(State& s, const char* name) {
  const Clock::time_point now = Clock::now();
  OpTime& t = s.by_name[name];
  const int64_t flops = gemm_flops_done();
  t.forward_ms += ms_between(s.last_end, now);
  t.forward_flops += flops - s.flops_at_last_end;
  ++t.forward_calls;
  s.last_end = now, s.flops_at_last_end = flops;
}

}  // namespace

void start() { t_state = std::make_unique<State>(); }

std::vector<OpTime> stop() {
  std::vector<OpTime> out;
  if (!t_state) return out;
  for (auto& [name, t] : t_state->by_name) {
    t.name = name;
    out.push_back(t);
  }
  t_state.reset();
  std::stable_sort(out.begin(), out.end(), [](const OpTime& a, const OpTime& b) {
    return a.forward_ms + a.backward_ms > b.forward_ms + b.backward_ms;
  });
  return out;
}

bool active() { return t_state != nullptr; }

const char* with_detail(const char* op, const std::string& detail) {
  static std::mutex mutex;
  static std::set<std::string> interned;  // never shrinks: nodes hold the pointers
  const std::lock_guard<std::mutex> lock(mutex);
  return interned.insert(std::string(op).append(" [").append(detail).append("]")).first->c_str();
}

void forward_done(const char* name) {
  State* s = t_state.get();
  if (s && s->backward_depth == 0) close_interval(*s, name);
}

BackwardTimer::BackwardTimer(const char* name)
    : name_(name), t0_(Clock::now()), flops0_(gemm_flops_done()), active_(t_state != nullptr) {
  if (active_) ++t_state->backward_depth;
}

BackwardTimer::~BackwardTimer() {
  if (!active_ || !t_state) return;
  State& s = *t_state;
  --s.backward_depth;
  const Clock::time_point now = Clock::now();
  OpTime& t = s.by_name[name_];
  const int64_t flops = gemm_flops_done();
  t.backward_ms += ms_between(t0_, now);
  t.backward_flops += flops - flops0_;
  ++t.backward_calls;
  s.last_end = now, s.flops_at_last_end = flops;
}

Span::Span(const char* name) : name_(name), active_(t_state != nullptr && t_state->backward_depth == 0) {
  if (active_) close_interval(*t_state, "(between ops)");
}

Span::~Span() {
  if (active_ && t_state) close_interval(*t_state, name_);
}

}  // namespace splitleak::profile
