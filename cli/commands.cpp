#include "cli/commands.h"

#include <algorithm>
#include <chrono>
#include <filesystem>

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
        std::error_code ec;
        if (fs::is_directory(value, ec)) return value + " is a directory, not a file";
        const std::string missing = parent_exists(value);
        return missing.empty() ? "" : value + ": " + missing;
      },
      "FILE");
}

CLI::Validator output_dir() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        fs::path dir(value);
        if (!dir.has_filename()) dir = dir.parent_path();  // "runs/a/"
        std::error_code ec;
        if (fs::exists(dir, ec)) return fs::is_directory(dir, ec) ? "" : value + " exists and is not a directory";
        const std::string missing = parent_exists(dir);
        return missing.empty() ? "" : value + ": " + missing + " (splitleak creates only the run directory itself)";
      },
      "DIR");
}

int& requested_threads() {
  static int threads = 0;
  return threads;
}

}  // namespace splitleak::cli
