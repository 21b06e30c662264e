#include "experiments/progress_log.h"

#include <algorithm>

#include "core/timing.h"

namespace splitleak::experiments {

ProgressLog::ProgressLog(std::shared_ptr<spdlog::logger> log, std::string what, std::string unit, double every_seconds)
    : log_(std::move(log)), what_(std::move(what)), unit_(std::move(unit)), every_(every_seconds),
      start_(std::chrono::steady_clock::now()), last_(start_) {}

void ProgressLog::operator()(int64_t done, int64_t total) {
  const auto now = std::chrono::steady_clock::now();
  if (done < total && std::chrono::duration<double>(now - last_).count() < every_) return;
  last_ = now;
  const double rate = static_cast<double>(done) / std::max(1e-9, seconds_since(start_));
  log_->info("{}: {}/{} {}, {:.1f} {}/s, ETA {}", what_, done, total, unit_, rate, unit_,
             duration_text(static_cast<double>(total - done) / std::max(rate, 1e-9)));
}

}  // namespace splitleak::experiments
