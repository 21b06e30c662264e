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

// Validators of paths a command writes (a bad one exits 2 naming the option): a file that is not
// a directory, in a folder that exists; a run directory that, when it exists, is a directory and
// otherwise sits in a folder that exists (splitleak creates only its last level, like mkdir).
CLI::Validator output_file();
CLI::Validator output_dir();

// The --threads value given on the command line (0 when none was); main() sets it.
int& requested_threads();

using splitleak::median_ms;  // core/timing.h

}  // namespace splitleak::cli
