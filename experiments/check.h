#pragma once
// The CI gate: thresholds held against a run's results.json. A threshold bounds the worst case
// over attackers the way the safe flag does: the upper bound of the 95% interval of the highest
// attacker mean (SSIM, PSNR or label leakage) must not exceed it.
#include <optional>
#include <string>
#include <vector>

namespace splitleak::experiments {

struct CutThresholds {
  std::string cut;  // a cut name, or "*" for every cut of the results
  std::optional<double> max_ssim, max_psnr, max_label_leakage;
};

struct Thresholds {
  std::vector<CutThresholds> cuts;
  std::optional<std::string> recommended_cut_at_most;  // the recommendation must be this cut or earlier
};

// The thresholds file:
//   cuts:
//     pool2: {max_ssim: 0.5, max_psnr: 14, max_label_leakage: 0.6}
//     "*": {max_ssim: 0.9}
//   recommended_cut_at_most: pool3
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
