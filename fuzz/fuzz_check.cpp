// `splitleak check`'s inputs from any bytes: a thresholds file, and a results.json held against
// fixed thresholds (every cut, and every defended pair).
#include "core/error.h"
#include "experiments/check.h"
#include "fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace splitleak;
  const std::string path = fuzz::as_file(data, size);
  try {
    experiments::load_thresholds(path);
  } catch (const Error&) {
  }
  try {
    experiments::Thresholds t;
    experiments::CutThresholds every;
    every.cut = "*", every.max_ssim = 0.3, every.max_psnr = 14.0, every.max_label_leakage = 0.5;
    every.max_ssim_beyond_output = 0.05, every.max_tail_fraction = 0.1;
    t.cuts.push_back(every);
    every.defence = "*", every.max_accuracy_drop = 0.01;  // every defended pair too
    t.cuts.push_back(every);
    t.recommended_cut_at_most = "pool2";
    t.fail_on_inconclusive = true;
    experiments::check_results(path, t);
  } catch (const Error&) {
  }
  return 0;
}
