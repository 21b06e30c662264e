#pragma once
// Text files written so that a reader (or a run killed mid-write) sees the old file or the new
// one, never a torn one: a temporary beside the target, flushed, then renamed over it.
#include <cstddef>
#include <string>

namespace splitleak {

// Throws Error naming the path: bad input (exit 2) when it cannot be created, a failure (exit 1)
// when the write or the rename fails (disk full, a directory in the way); the temporary is
// removed either way.
void write_file_atomically(const std::string& path, const std::string& content);

inline constexpr size_t kMaxReadBytes = size_t{1} << 30;  // 1 GiB: any text or JSON file of a run

// At most `max_bytes` from the start of the file, whatever it is (a device that never ends,
// a pipe); throws Error naming the path when it cannot be opened.
std::string read_file_start(const std::string& path, size_t max_bytes);
// The whole file; throws Error naming the path when it cannot be read or holds more than
// `max_bytes` (checked before reading a regular file, after max_bytes + 1 of anything else).
std::string read_file(const std::string& path, size_t max_bytes = kMaxReadBytes);

}  // namespace splitleak
