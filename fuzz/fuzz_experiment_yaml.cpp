// Experiment files from any bytes: the YAML parser and the whole schema.
#include "core/error.h"
#include "experiments/experiment.h"
#include "fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace splitleak;
  try {
    experiments::load_experiment(fuzz::as_file(data, size));
  } catch (const Error&) {
  }
  return 0;
}
