// Sealed files and sealed messages: read_sealed_file on any bytes, then every message it yields
// through an Opener (whose key the input cannot know, so nothing opens: the parsing is what runs).
#include "core/error.h"
#include "fuzz/fuzz_input.h"
#include "tee_runtime/sealing.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace splitleak;
  tee::Measurement m{};
  tee::Opener opener(tee::SessionKey{}, m);
  try {
    for (const std::string& message : tee::read_sealed_file(fuzz::as_file(data, size))) {
      try {
        opener.open(message);
      } catch (const Error&) {
      }
    }
  } catch (const Error&) {
  }
  try {
    opener.open(std::string_view(reinterpret_cast<const char*>(data), size));
  } catch (const Error&) {
  }
  return 0;
}
