#include "experiments/rank_executor.h"

#include <atomic>
#include <chrono>
#include <exception>
#include <mutex>
#include <thread>

#include "core/error.h"
#include "core/parallel.h"
#include "experiments/cluster.h"
#include "experiments/cluster_messages.h"

namespace splitleak::experiments {
namespace {

namespace fs = std::filesystem;

// Control words: {kind, a, b}.
enum Kind : int64_t {
  kRequest = 1,  // worker -> rank 0: {kRequest, 0, 0}
  kReady,        // worker -> rank 0: {kReady, node, 0}: it holds the node's features
  kDone,         // worker -> rank 0: {kDone, item, milliseconds of work, or -1 then the error as text}
  kAssign,       // rank 0 -> worker: {kAssign, Assignment::Kind, item}
};

constexpr auto kWaitPause = std::chrono::milliseconds(500);  // before asking again after Wait

bool is_bad_input(const std::exception_ptr& e) {
  try {
    std::rethrow_exception(e);
  } catch (const Error& error) {
    return error.kind() == Error::Kind::BadInput;
  } catch (...) {
    return false;
  }
}

std::string what(const std::exception_ptr& e) {
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& error) {
    return error.what();
  } catch (...) {
    return "an unknown exception";
  }
}

// Rank 0: the queue, shared by the dispatcher (main thread) and rank 0's own worker thread.
struct Coordinator {
  std::mutex mutex;
  WorkQueue queue;
  RunProgress progress;
  const RunPlan& plan;
  std::shared_ptr<spdlog::logger> log;

  Coordinator(const RunPlan& p, WorkQueue q, RunProgress pr, std::shared_ptr<spdlog::logger> l)
      : queue(std::move(q)), progress(pr), plan(p), log(std::move(l)) {}

  Assignment next(int worker) {
    std::lock_guard lock(mutex);
    return queue.next(worker);
  }
  void ready(size_t node) {
    std::lock_guard lock(mutex);
    queue.features_ready(node);
  }
  // An item that ended on `worker` after `seconds` of work; `summary` is its log line ("" when
  // the worker logged it); `error` is empty when it succeeded.
  void done(size_t item, int worker, double seconds, const std::string& summary, const std::string& error) {
    std::lock_guard lock(mutex);
    queue.finished(item, worker, error);
    const std::string& label = plan.items.at(item).label;
    if (!error.empty()) {
      log->error("{}: failed on rank {}: {}", label, worker, error);
      return;
    }
    progress.add_computed(seconds);
    log->info("{} on rank {} ({}/{} pairs, ETA {})", summary.empty() ? label + ": done" : summary, worker,
              progress.done, progress.total, progress.eta());
  }
};

// Rank 0's own worker: asks the coordinator directly. Rethrows nothing: a failure ends up in
// `fatal` (bad input) or the queue's failures.
void work_on_root(Coordinator& coordinator, ItemWorker& worker, int threads, std::exception_ptr& fatal,
                  std::atomic<bool>& failed) {
  set_num_threads(threads);  // OpenMP's thread count is per thread
  for (;;) {
    const Assignment next = coordinator.next(0);
    if (next.kind == Assignment::Kind::Stop) return;
    if (next.kind == Assignment::Kind::Wait) {
      std::this_thread::sleep_for(kWaitPause);
      continue;
    }
    try {
      worker.hold(coordinator.plan.items[next.item].node);
      coordinator.ready(coordinator.plan.items[next.item].node);
      const SeedRun run = worker.run(next.item);
      coordinator.done(next.item, 0, run.scores.train_seconds, item_summary(coordinator.plan.items[next.item], run), "");
    } catch (...) {
      const std::exception_ptr e = std::current_exception();
      coordinator.done(next.item, 0, 0, "", what(e));
      if (is_bad_input(e)) {
        fatal = e;
        failed = true;
        return;
      }
    }
  }
}

// Rank 0's main thread: answers the other ranks until each was told to stop and rank 0's own
// worker has returned, or at once when rank 0's worker met bad input (the job is then aborted).
void dispatch(Coordinator& coordinator, const std::atomic<bool>& own_worker_done, const std::atomic<bool>& fatal) {
  int stopped = 0;
  const int others = cluster::place().size - 1;
  while ((stopped < others || !own_worker_done) && !fatal) {
    const std::optional<cluster::Message> m = cluster::poll();
    if (!m) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      continue;
    }
    const auto& [kind, a, b] = m->words;
    if (kind == kRequest) {
      const Assignment next = coordinator.next(m->from);
      stopped += next.kind == Assignment::Kind::Stop;
      cluster::send(m->from, {kAssign, static_cast<int64_t>(next.kind), static_cast<int64_t>(next.item)});
    } else if (kind == kReady) {
      coordinator.ready(static_cast<size_t>(a));
    } else if (kind == kDone) {
      const std::string error = b < 0 ? cluster::receive_text(m->from) : std::string();
      coordinator.done(static_cast<size_t>(a), m->from, static_cast<double>(b) / 1000.0, "", error);
    }
  }
}

std::vector<FailedItem> run_root(const ExperimentConfig& c, const fs::path& dir, const RunPlan& plan,
                                 const victim::Graph& g, const ItemWorker::PrepareNode& prepare,
                                 const std::shared_ptr<spdlog::logger>& log) {
  QueueStart start = start_queue(c, dir, plan, log);
  Coordinator coordinator(plan, std::move(start.queue), start.progress, log);
  ItemWorker worker(c, dir, plan, g, prepare, log);
  std::atomic<bool> own_worker_done{false}, own_worker_failed{false};
  std::exception_ptr fatal;
  std::thread own([&] {
    work_on_root(coordinator, worker, num_threads(), fatal, own_worker_failed);
    own_worker_done = true;
  });
  dispatch(coordinator, own_worker_done, own_worker_failed);
  own.join();
  if (fatal) std::rethrow_exception(fatal);
  return coordinator.queue.failures();
}

void run_worker(const ExperimentConfig& c, const fs::path& dir, const RunPlan& plan, const victim::Graph& g,
                const ItemWorker::PrepareNode& prepare, const std::shared_ptr<spdlog::logger>& log) {
  ItemWorker worker(c, dir, plan, g, prepare, log);
  for (;;) {
    cluster::send(0, {kRequest, 0, 0});
    const cluster::Words answer = cluster::wait_message(0);
    const auto kind = static_cast<Assignment::Kind>(answer[1]);
    if (kind == Assignment::Kind::Stop) return;
    if (kind == Assignment::Kind::Wait) {
      std::this_thread::sleep_for(kWaitPause);
      continue;
    }
    const size_t index = static_cast<size_t>(answer[2]);
    const WorkItem& item = plan.items.at(index);
    try {
      worker.hold(item.node);
      cluster::send(0, {kReady, static_cast<int64_t>(item.node), 0});
      const SeedRun run = worker.run(index);
      log->info("{}", item_summary(item, run));
      cluster::send(0, {kDone, static_cast<int64_t>(index), static_cast<int64_t>(run.scores.train_seconds * 1000)});
    } catch (...) {
      const std::exception_ptr e = std::current_exception();
      if (is_bad_input(e)) throw;
      log->error("{}: failed: {}", item.label, what(e));
      cluster::send(0, {kDone, static_cast<int64_t>(index), -1});
      cluster::send_text(0, what(e));
    }
  }
}

}  // namespace

std::vector<FailedItem> execute_on_ranks(const ExperimentConfig& c, const fs::path& dir, const RunPlan& plan,
                                         const victim::Graph& g, const ItemWorker::PrepareNode& prepare,
                                         const std::shared_ptr<spdlog::logger>& log) {
  if (cluster::is_root()) return run_root(c, dir, plan, g, prepare, log);
  run_worker(c, dir, plan, g, prepare, log);
  return {};
}

}  // namespace splitleak::experiments
