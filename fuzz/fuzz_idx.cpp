// The IDX reader (Fashion-MNIST's images and labels, gzipped or not) from any bytes.
#include "core/error.h"
#include "datasets/idx.h"
#include "fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace splitleak;
  const std::string path = fuzz::as_file(data, size);
  for (const int rank : {1, 3}) {
    try {
      datasets::read_idx(path, rank, rank == 1 ? "label" : "image");
    } catch (const Error&) {
    }
  }
  return 0;
}
