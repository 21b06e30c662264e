#pragma once
// The CI gate: thresholds held against a run's results.json (schema splitleak.results/1 or /2).
// A threshold bounds the worst case over attackers the way the verdict does: the highest upper
// bound over attackers (of the mean SSIM, PSNR or label leakage; with /2 also of the paired SSIM
// excess over the output floor and of the tail fraction) must not exceed it. Baselines never
// count.
#include <optional>
#include <string>
#include <vector>

namespace splitleak::experiments {

struct CutThresholds {
  std::string cut;  // a cut name, or "*" for every cut of the results
  std::string defence;  // empty: the undefended cut; a defence label or "*": its defended pairs
  std::optional<double> max_ssim, max_psnr, max_label_leakage;
  std::optional<double> max_ssim_beyond_output, max_tail_fraction;  // results/2 only
  std::optional<double> max_accuracy_drop;  // defended pairs only
};

struct Thresholds {
  std::vector<CutThresholds> cuts;
  std::optional<std::string> recommended_cut_at_most;  // the recommendation must be this cut or earlier
  bool fail_on_inconclusive = false;  // results/2 only: an inconclusive cut (under-trained attacker) fails
};

// The thresholds file:
//   cuts:
//     pool2: {max_ssim: 0.5, max_psnr: 14, max_label_leakage: 0.6}
//     fc1: {max_ssim_beyond_output: 0.05, max_tail_fraction: 0.1}
//     "*": {max_ssim: 0.9}
//   defences:                        # defended pairs (results/2 with defences)
//     "noise(sigma=0.5)": {pool1: {max_ssim_beyond_output: 0.05, max_accuracy_drop: 0.01}}
//     "*": {"*": {max_ssim: 0.9}}      # every defence at every cut
//   recommended_cut_at_most: pool3
//   fail_on_inconclusive: true
// Errors name file, line and key.
Thresholds load_thresholds(const std::string& path);

struct CheckRow {
  std::string cut, what;  // what: "max_ssim", "recommended_cut_at_most", ...
  std::string value, limit, attacker;
  bool ok = true;
};

// Every threshold against the results (Error naming the file for a malformed results.json, and
// for a thresholded cut the results do not hold).
std::vector<CheckRow> check_results(const std::string& results_json, const Thresholds& thresholds);

std::string check_table(const std::vector<CheckRow>& rows);
std::string junit_xml(const std::vector<CheckRow>& rows, const std::string& results_json);

}  // namespace splitleak::experiments
