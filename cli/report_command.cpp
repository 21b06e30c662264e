// `splitleak report RUN_DIR`: re-renders a run's figures and report.html from its results files.
#include <cstdio>

#include "cli/commands.h"
#include "experiments/report.h"

namespace splitleak::cli {
namespace {

const bool registered = add_command(
    {"report", "Re-render a run's report (report.html, figures/) from its results", [](CLI::App& sub) -> std::function<int()> {
       auto dir = std::make_shared<std::string>();
       sub.add_option("run_dir", *dir, "Run directory")->required();
       return [dir] {
         std::printf("report=%s\n", experiments::render_report(*dir).c_str());
         return 0;
       };
     }});

}  // namespace
}  // namespace splitleak::cli
