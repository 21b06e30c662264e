// splitleak's model serialisations: the bytes a TEE measures (model_from_bytes) and the HDF5
// model file (load_model_file), from any bytes.
#include "core/error.h"
#include "fuzz/fuzz_input.h"
#include "victim/model_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace splitleak;
  try {
    victim::model_from_bytes(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz input");
  } catch (const Error&) {
  }
  try {
    victim::load_model_file(fuzz::as_file(data, size));
  } catch (const Error&) {
  }
  return 0;
}
