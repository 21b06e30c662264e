#include "cli/commands.h"

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "core/atomic_file.h"
#include "core/error.h"

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

namespace {

namespace fs = std::filesystem;

// "" when the folder `path` would be created in exists, else why not.
std::string parent_exists(const fs::path& path) {
  const fs::path parent = path.parent_path();
  std::error_code ec;
  if (parent.empty() || fs::is_directory(parent, ec)) return "";
  return "the folder " + parent.string() + " does not exist";
}

}  // namespace

CLI::Validator output_file() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        const std::string problem = output_target_problem(value);
        if (!problem.empty()) return shown(value, 200) + ": " + problem;
        const std::string missing = parent_exists(value);
        return missing.empty() ? "" : shown(value, 200) + ": " + missing;
      },
      "FILE");
}

CLI::Validator output_dir() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        fs::path dir(value);
        if (!dir.has_filename()) dir = dir.parent_path();  // "runs/a/"
        std::error_code ec;
        if (fs::exists(dir, ec)) return fs::is_directory(dir, ec) ? "" : shown(value, 200) + " exists and is not a directory";
        const std::string missing = parent_exists(dir);
        return missing.empty() ? "" : shown(value, 200) + ": " + missing + " (splitleak creates only the run directory itself)";
      },
      "DIR");
}

int& requested_threads() {
  static int threads = 0;
  return threads;
}

}  // namespace splitleak::cli
