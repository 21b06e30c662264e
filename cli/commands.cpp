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

int& requested_threads() {
  static int threads = 0;
  return threads;
}

}  // namespace splitleak::cli
