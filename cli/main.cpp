// splitleak: where can a model be cut so that the feature maps leaving a TEE do not give the
// input away? Parses the command line and dispatches to the registered subcommands.
#include <malloc.h>

#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <csignal>
#include <cstdlib>
#include <cstdio>
#include <exception>
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "core/error.h"
#include "core/finite.h"
#include "core/parallel.h"
#include "experiments/cluster.h"
#include "splitleak/version.h"

namespace {

// Parses the command line and runs the subcommand; the exit code.
int run_main(int argc, char** argv) {
  using namespace splitleak;
  // Activations are freed and reallocated at every layer: keep freed memory in the heap instead of
  // handing it back to the kernel and faulting it in again (9k page faults per VGG-16 forward).
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  // Warnings go to stderr, with the one-line errors; stdout holds the command's results alone.
  spdlog::set_default_logger(spdlog::stderr_color_mt("splitleak"));
  spdlog::set_pattern("splitleak: %l: %v");  // "splitleak: warning: ...", as core/finite.h warns
  CLI::App app{"splitleak: adversarial evaluation of where to cut a DNN between a TEE and a GPU"};
  app.set_version_flag("--version", std::string("splitleak ") + kVersion);
  app.require_subcommand(0, 1);
  int threads = 0;
  bool strict_inputs = false;
  std::function<int()> action;
  std::vector<std::unique_ptr<std::function<int()>>> actions;
  for (auto& cmd : cli::commands()) {
    CLI::App* sub = app.add_subcommand(cmd.name, cmd.description);
    auto act = std::make_unique<std::function<int()>>(cmd.setup(*sub));
    // Every subcommand, nested ones included, takes --threads and --strict-inputs.
    std::vector<CLI::App*> all{sub};
    for (CLI::App* nested : sub->get_subcommands([](CLI::App*) { return true; })) all.push_back(nested);
    for (CLI::App* a : all) {
      a->add_option("--threads", threads, "Worker threads (default: all cores)")->check(CLI::Range(0, kMaxThreads));
      a->add_flag("--strict-inputs", strict_inputs, "Refuse NaN or infinity in weights and inputs (default: warn)");
    }
    std::function<int()>* raw = act.get();
    sub->callback([&action, raw] { action = *raw; });
    actions.push_back(std::move(act));
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // One line, like every other refusal (CLI11 would add "Run with --help ..." on a second).
    std::fprintf(stderr, "splitleak: error: %s (--help lists the options)\n", shown(e.what(), 300).c_str());
    return 2;
  }
  if (!action) {
    std::cout << app.help();
    return 0;
  }
  const std::string rank = experiments::cluster::rank_prefix();
  try {
    set_num_threads(threads);
    cli::requested_threads() = threads;
    if (strict_inputs) non_finite_policy() = NonFinitePolicy::Refuse;
    return action();
  } catch (const Error& e) {
    std::fprintf(stderr, "splitleak: error: %s%s\n", rank.c_str(), e.what());
    return e.kind() == Error::Kind::BadInput ? 2 : 1;
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "splitleak: error: %sout of memory\n", rank.c_str());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "splitleak: error: %s%s\n", rank.c_str(), e.what());
    return 1;
  }
}

}  // namespace

int main(int argc, char** argv) {
  // A file-size limit (ulimit -f) makes a write fail with EFBIG, which the writer reports, instead
  // of killing the process with SIGXFSZ.
  std::signal(SIGXFSZ, SIG_IGN);
  // One of several ranks under mpirun or srun (docs/cluster.md): MPI first, before anything
  // reads argv.
  try {
    splitleak::experiments::cluster::start(argc, argv);
  } catch (const splitleak::Error& e) {
    std::fprintf(stderr, "splitleak: error: %s\n", e.what());
    return 2;
  }
  const int code = splitleak::experiments::cluster::finish(run_main(argc, argv));
  // Every file is closed by now. The libraries' exit-time teardown is skipped: HDF5's would
  // close again the objects a failed write left abandoned (core/hdf5_detail.h), and crash.
  spdlog::shutdown();
  std::fflush(nullptr);
  std::_Exit(code);
}
