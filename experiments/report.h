#pragma once
// The run's report from its results files alone (so `splitleak report RUN_DIR` re-renders any
// run): figures/ssim_vs_cut.png and psnr_vs_cut.png (per attacker, 95% interval bands, the
// threshold line), figures/privacy_vs_latency.png (worst-case SSIM against split latency, the
// recommended cut marked), figures/reconstructions_<k>_<cut>.png (originals above each
// attacker's reconstructions), figures/convergence_<k>_<cut>.png (validation curves), with
// defences figures/pairs_vs_latency.png and pairs_vs_accuracy.png, and report.html with all of
// them embedded.
#include <string>

namespace splitleak::experiments {

// Returns the report's path. Throws Error naming the file when the run's results are missing or
// malformed.
std::string render_report(const std::string& run_dir);

}  // namespace splitleak::experiments
