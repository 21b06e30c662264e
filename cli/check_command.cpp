// `splitleak check RESULTS.json [--thresholds FILE.yaml] [--max-ssim X] [--junit FILE.xml]`:
// prints the threshold table; exit 0 when every threshold holds, 1 when one is violated, 2 on
// bad input.
#include <cstdio>

#include "cli/commands.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "experiments/check.h"

namespace splitleak::cli {
namespace {

struct CheckOptions {
  std::string results, thresholds, junit;
  double max_ssim = 0;
  CLI::Option* max_ssim_option = nullptr;  // given on the command line when count() > 0
};

int run_check(const CheckOptions& o) {
  experiments::Thresholds t;
  if (!o.thresholds.empty()) t = experiments::load_thresholds(o.thresholds);
  if (o.max_ssim_option->count() > 0) {
    check(o.max_ssim >= 0 && o.max_ssim <= 1,  // false for NaN too
          "--max-ssim: expected a number in [0, 1], not " + o.max_ssim_option->as<std::string>());
    experiments::CutThresholds every;
    every.cut = "*", every.max_ssim = o.max_ssim;
    t.cuts.push_back(every);
  }
  check(!t.cuts.empty() || t.recommended_cut_at_most || t.fail_on_inconclusive,
        "check: give --thresholds FILE.yaml and/or --max-ssim X");
  const auto rows = experiments::check_results(o.results, t);
  std::printf("%s", experiments::check_table(rows).c_str());
  if (!o.junit.empty()) write_file_atomically(o.junit, experiments::junit_xml(rows, o.results));
  for (const auto& r : rows)
    if (!r.ok) return 1;
  return 0;
}

const bool registered = add_command(
    {"check", "Gate on a run's results: thresholds per cut or on the recommended cut",
     [](CLI::App& sub) -> std::function<int()> {
       auto o = std::make_shared<CheckOptions>();
       sub.add_option("results", o->results, "results.json of a run")->required();
       sub.add_option("--thresholds", o->thresholds, "Thresholds file (YAML; docs/ci.md)");
       o->max_ssim_option = sub.add_option("--max-ssim", o->max_ssim,
                                           "Bound on every cut's worst-case SSIM (the highest upper bound over attackers)");
       sub.add_option("--junit", o->junit, "Also write the checks as JUnit XML")->check(output_file());
       return [o] { return run_check(*o); };
     }});

}  // namespace
}  // namespace splitleak::cli
