#pragma once
// A file the user named as an input, opened so that it cannot block or be something else: it is
// opened without waiting (a FIFO with no writer does not hang the process) and refused unless it
// is a regular file, checked on the descriptor that is then read (no race between a check of the
// path and the open). Errors name the path, or `what` when the caller gives one, and report
// errno as it is.
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
  // Exactly `length` bytes from `offset`; the caller has checked offset + length <= size().
  // Throws Error when the file ends sooner (it shrank) or the read fails.
  std::string read(uint64_t offset, uint64_t length) const;

 private:
  std::string what_;
  int fd_ = -1;
  uint64_t size_ = 0;
};

}  // namespace splitleak
