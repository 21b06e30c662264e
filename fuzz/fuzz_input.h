#pragma once
// What every fuzz target shares: the input as a file (an in-memory file, reached through
// /proc/self/fd) for the parsers that read paths, and the rule that a parser may refuse its input
// only with splitleak::Error. Any other exception escapes to libFuzzer, which reports it as a
// crash: an internal error reaching the user is a bug like a crash.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace splitleak::fuzz {

// The bytes as a file's content; the path stays valid until the next call (one file per process).
inline std::string as_file(const uint8_t* data, size_t size) {
  static const int fd = ::memfd_create("splitleak-fuzz", 0);
  if (fd < 0) __builtin_trap();
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, data, size, 0) != static_cast<ssize_t>(size)) __builtin_trap();
  return "/proc/self/fd/" + std::to_string(fd);
}

}  // namespace splitleak::fuzz
