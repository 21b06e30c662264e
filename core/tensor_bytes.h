#pragma once
// A tensor as a flat byte string, for messages that cross a process or trust boundary:
// "SLT1", u32 rank, rank x i64 sizes, then the float32 values, all little-endian (the hosts
// splitleak runs on). Parsing checks every length before reading, so a truncated or hostile
// string gives an Error, never an out-of-bounds read.
#include <string>
#include <string_view>

#include "core/tensor.h"

namespace splitleak {

std::string tensor_to_bytes(const Tensor& t);

// Throws Error prefixed by `what` when `bytes` is not exactly one serialised tensor (or its
// element count exceeds `max_elements`).
Tensor tensor_from_bytes(std::string_view bytes, const std::string& what, int64_t max_elements = int64_t{1} << 34);

}  // namespace splitleak
