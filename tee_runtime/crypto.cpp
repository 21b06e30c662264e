#include "tee_runtime/crypto.h"

#include <sodium.h>

#include "core/error.h"

namespace splitleak::tee {

void sodium_ready() {
  static const int status = sodium_init();  // 0: initialised, 1: already was, -1: failed
  if (status < 0) throw Error("libsodium could not be initialised", Error::Kind::Failure);
}

std::string to_hex(const uint8_t* bytes, size_t n) {
  std::string out(2 * n + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), bytes, n);
  out.pop_back();
  return out;
}

std::vector<uint8_t> from_hex(std::string_view hex, size_t n, const std::string& what) {
  std::vector<uint8_t> out(n);
  size_t length = 0;
  const char* end = nullptr;
  const bool ok = hex.size() == 2 * n &&
                  sodium_hex2bin(out.data(), n, hex.data(), hex.size(), nullptr, &length, &end) == 0 && length == n;
  check(ok, what + ": expected " + std::to_string(2 * n) + " hex digits");
  return out;
}

}  // namespace splitleak::tee
