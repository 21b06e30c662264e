#pragma once
// IDX files of unsigned bytes (MNIST's and Fashion-MNIST's format), gzipped or not.
#include <cstdint>
#include <string>
#include <vector>

namespace splitleak::datasets {

struct Idx {
  std::vector<int64_t> dims;
  std::vector<uint8_t> data;  // prod(dims) bytes, row-major
};

// Reads an IDX file whose header must announce `rank` dims of unsigned bytes. `what` names a
// record ("image", "label") in the truncation message. The payload is read in chunks, so memory
// follows the bytes the file really holds, never a size its header claims; a payload over
// kMaxIdxBytes is refused before any is read. Errors name the file.
inline constexpr int64_t kMaxIdxBytes = int64_t{1} << 32;
Idx read_idx(const std::string& path, int rank, const char* what);

}  // namespace splitleak::datasets
