#include "cli/commands.h"

#include <algorithm>
#include <chrono>

namespace splitleak::cli {

std::vector<Command>& commands() {
  static std::vector<Command> all;
  return all;
}

bool add_command(Command command) {
  commands().push_back(std::move(command));
  return true;
}

std::vector<Command>& bench_kinds() {
  static std::vector<Command> all;
  return all;
}

bool add_bench(Command kind) {
  bench_kinds().push_back(std::move(kind));
  return true;
}

double median_ms(int iters, const std::function<void()>& f) {
  std::vector<double> ms;
  for (int i = 0; i < iters; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    f();
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(ms.begin(), ms.end());
  return ms.empty() ? 0.0 : ms[ms.size() / 2];
}

}  // namespace splitleak::cli
