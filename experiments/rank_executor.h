#pragma once
// The executor across MPI ranks (built with MPI only; docs/cluster.md). Rank 0 owns the work
// queue (work_queue.h): its main thread hands items to the ranks as they ask and its second
// thread works too; the other ranks ask, run, report and ask again until told to stop. A node's
// features are computed by the first rank to take one of its items and read by the others from
// the feature cache in the run directory (a shared file system): they are as large as the
// auxiliary set, so broadcasting them would hold a copy in every rank and send it whether or not
// the rank ever works at that node. Items land in the run directory as in one process, so the
// collector on rank 0 reads them all back.
#include <filesystem>
#include <memory>
#include <vector>

#include "experiments/executor.h"

namespace splitleak::experiments {

// Runs the plan's unfinished items over every rank; on rank 0 returns the failed items (each
// logged by item and rank), on the others nothing. A bad-input Error (exit 2) on any rank stops
// the job.
std::vector<FailedItem> execute_on_ranks(const ExperimentConfig& config, const std::filesystem::path& run_dir,
                                         const RunPlan& plan, const victim::Graph& victim,
                                         const ItemWorker::PrepareNode& prepare,
                                         const std::shared_ptr<spdlog::logger>& log);

}  // namespace splitleak::experiments
