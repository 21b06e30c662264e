#pragma once
// libsodium set-up and the byte helpers the TEE runtime shares.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace splitleak::tee {

// Initialises libsodium once (thread-safe); throws Error(Failure) when it cannot.
void sodium_ready();

std::string to_hex(const uint8_t* bytes, size_t n);
// Throws Error prefixed by `what` unless `hex` is exactly 2 * n hex digits.
std::vector<uint8_t> from_hex(std::string_view hex, size_t n, const std::string& what);

}  // namespace splitleak::tee
