#include "tee_runtime/measurement.h"

#include <sodium.h>

#include <algorithm>

#include "tee_runtime/crypto.h"
#include "victim/model_file.h"

namespace splitleak::tee {

Measurement measure_bytes(std::string_view model_bytes) {
  sodium_ready();
  Measurement m;
  crypto_hash_sha256(m.data(), reinterpret_cast<const unsigned char*>(model_bytes.data()), model_bytes.size());
  return m;
}

Measurement measure(const victim::Graph& partition) { return measure_bytes(victim::model_to_bytes(partition)); }

std::string measurement_hex(const Measurement& m) { return to_hex(m.data(), m.size()); }

Measurement measurement_from_hex(std::string_view hex, const std::string& what) {
  const auto bytes = from_hex(hex, 32, what + " (a measurement)");
  Measurement m;
  std::copy(bytes.begin(), bytes.end(), m.begin());
  return m;
}

}  // namespace splitleak::tee
