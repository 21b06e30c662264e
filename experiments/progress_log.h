#pragma once
// Progress of a long stage in the run's log: "what: done/total unit, rate unit/s, ETA", at most
// every `every` seconds and once at the end.
#include <spdlog/logger.h>

#include <chrono>
#include <memory>
#include <string>

namespace splitleak::experiments {

class ProgressLog {
 public:
  ProgressLog(std::shared_ptr<spdlog::logger> log, std::string what, std::string unit = "images",
              double every_seconds = 10);
  // `done` of `total` finished.
  void operator()(int64_t done, int64_t total);

 private:
  std::shared_ptr<spdlog::logger> log_;
  std::string what_, unit_;
  double every_;
  std::chrono::steady_clock::time_point start_, last_;
};

}  // namespace splitleak::experiments
