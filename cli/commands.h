#pragma once
// Subcommand registry of the splitleak executable. Each subcommand lives in its own file and
// registers itself with add_command; main() only parses and dispatches.
#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <vector>

#include "core/timing.h"

namespace splitleak::cli {

struct Command {
  std::string name;
  std::string description;
  // Declares the subcommand's options on `sub`; returns the action to run after parsing.
  std::function<std::function<int()>(CLI::App& sub)> setup;
};

// Registered at static-initialisation time by each command's file.
std::vector<Command>& commands();
bool add_command(Command command);

// The kinds of `splitleak bench KIND` (one file each), registered the same way.
std::vector<Command>& bench_kinds();
bool add_bench(Command kind);

// The --threads value given on the command line (0 when none was); main() sets it.
int& requested_threads();

using splitleak::median_ms;  // core/timing.h

}  // namespace splitleak::cli
