#pragma once
// Every file splitleak reads because a user named it (a command-line path, a path in an experiment
// or model file) is opened here, so that it cannot block or be something else: it is opened
// without waiting (a FIFO with no writer does not hang the process) and refused unless it is a
// regular file, checked on the descriptor that is then read (no race between a check of the path
// and the open). Errors name the path, or `what` when the caller gives one, and report errno as
// it is. docs/hardening.md.
#include <cstddef>
#include <cstdint>
#include <string>

namespace splitleak {

class InputFile {
 public:
  // Throws Error (bad input) when the path cannot be opened or is not a regular file.
  InputFile(const std::string& path, const std::string& what = "");
  ~InputFile();
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  uint64_t size() const { return size_; }
  unsigned mode() const { return mode_; }  // st_mode: the permission bits, and S_IFREG
  const std::string& what() const { return what_; }
  // Exactly `length` bytes from `offset`; the caller has checked offset + length <= size().
  // Throws Error when the file ends sooner (it shrank) or the read fails.
  std::string read(uint64_t offset, uint64_t length) const;

 private:
  std::string what_;
  int fd_ = -1;
  uint64_t size_ = 0;
  unsigned mode_ = 0;
};

// What a file of mode `st_mode` is, in words: "a directory", "a FIFO", "a character device", ...
std::string file_kind_name(unsigned st_mode);

// For a library that opens files by path itself (HDF5, a streamed CSV): the same refusals as
// InputFile, made before the library opens the path. Someone able to swap the file between this
// check and the library's open could still pass it something else (docs/hardening.md).
void require_input_file(const std::string& path, const std::string& what = "");

inline constexpr size_t kMaxReadBytes = size_t{1} << 30;  // 1 GiB: any text or JSON file of a run

// At most `max_bytes` from the start of the file (fewer when it is shorter).
std::string read_file_start(const std::string& path, size_t max_bytes, const std::string& what = "");
// The whole file; Error naming the path when it holds more than `max_bytes` (checked before any
// byte is read).
std::string read_file(const std::string& path, size_t max_bytes = kMaxReadBytes, const std::string& what = "");

}  // namespace splitleak
