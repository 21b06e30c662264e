// The CSV reader (TON_IoT) from any bytes.
#include "core/error.h"
#include "datasets/csv.h"
#include "fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace splitleak;
  try {
    datasets::read_csv(fuzz::as_file(data, size));
  } catch (const Error&) {
  }
  return 0;
}
