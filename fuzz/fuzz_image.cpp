// Image decoding as `splitleak metrics` reads its two files (datasets/image_file.h: the header's
// size check, then OpenCV's decoders) from any bytes.
#include "core/error.h"
#include "datasets/image_file.h"
#include "fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace splitleak;
  try {
    datasets::read_image_file(fuzz::as_file(data, size));
  } catch (const Error&) {
  }
  return 0;
}
