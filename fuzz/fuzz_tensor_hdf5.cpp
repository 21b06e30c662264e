// Tensor HDF5 input (what `forward --input` and the model files read): every float data set of
// any bytes as a file, and its root attributes.
#include "core/error.h"
#include "core/hdf5_io.h"
#include "fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace splitleak;
  const std::string path = fuzz::as_file(data, size);
  try {
    h5::read_tensors(path);
  } catch (const Error&) {
  }
  try {
    h5::read_attributes(path);
  } catch (const Error&) {
  }
  return 0;
}
