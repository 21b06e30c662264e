#pragma once
// The measurement of a partition loaded into the enclave: SHA-256 over its canonical bytes
// (victim::model_to_bytes: graph and weights, no metadata). The client checks it before it
// provisions its key; sealed inputs bind it, so they open only in an enclave holding that
// partition.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "victim/graph.h"

namespace splitleak::tee {

using Measurement = std::array<uint8_t, 32>;

Measurement measure_bytes(std::string_view model_bytes);
Measurement measure(const victim::Graph& partition);

std::string measurement_hex(const Measurement& m);
// Throws Error prefixed by `what` unless `hex` is 64 hex digits.
Measurement measurement_from_hex(std::string_view hex, const std::string& what);

}  // namespace splitleak::tee
