// `splitleak bench KIND ...`: dispatches to the registered bench kinds (bench_*.cpp), each of
// which prints one key=value line per figure.
#include <memory>

#include "cli/commands.h"

namespace splitleak::cli {
namespace {

const bool registered = add_command(
    {"bench", "Time engine kernels and models; prints key=value lines", [](CLI::App& sub) -> std::function<int()> {
       sub.require_subcommand(1);
       auto chosen = std::make_shared<std::function<int()>>();
       for (auto& kind : bench_kinds()) {
         CLI::App* nested = sub.add_subcommand(kind.name, kind.description);
         auto action = std::make_shared<std::function<int()>>(kind.setup(*nested));
         nested->callback([chosen, action] { *chosen = *action; });
       }
       return [chosen] { return (*chosen)(); };
     }});

}  // namespace
}  // namespace splitleak::cli
