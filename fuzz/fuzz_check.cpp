// `splitleak check`'s inputs from any bytes: a thresholds file, and a results.json held against
// fixed thresholds.
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
    t.cuts.push_back({"*", 0.3, 14.0, 0.5, 0.05, 0.1});
    t.recommended_cut_at_most = "pool2";
    t.fail_on_inconclusive = true;
    experiments::check_results(path, t);
  } catch (const Error&) {
  }
  return 0;
}
