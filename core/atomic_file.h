#pragma once
// Text files written so that a reader (or a run killed mid-write) sees the old file or the new
// one, never a torn one: a temporary beside the target, flushed, then renamed over it.
#include <string>

namespace splitleak {

// Throws Error naming the path: bad input (exit 2) when it cannot be created, a failure (exit 1)
// when the write or the rename fails (disk full, a directory in the way); the temporary is
// removed either way.
void write_file_atomically(const std::string& path, const std::string& content);

// The whole file; throws Error naming the path when it cannot be read.
std::string read_file(const std::string& path);

}  // namespace splitleak
