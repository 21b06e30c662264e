// ONNX import from any bytes (a 3x32x32 input where the file leaves it symbolic).
#include "core/error.h"
#include "fuzz/fuzz_input.h"
#include "victim/onnx_import.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace splitleak;
  try {
    victim::import_onnx(fuzz::as_file(data, size), {3, 32, 32});
  } catch (const Error&) {
  }
  return 0;
}
