#include "core/input_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/error.h"

namespace splitleak {
namespace {

// "300 bytes", "12 MiB".
std::string amount(uint64_t bytes) {
  return bytes < (uint64_t{1} << 20) ? std::to_string(bytes) + " bytes" : std::to_string(bytes >> 20) + " MiB";
}

}  // namespace

std::string file_kind_name(unsigned st_mode) {
  const auto mode = static_cast<mode_t>(st_mode);
  if (S_ISREG(mode)) return "a regular file";
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "neither a file nor a directory";
}

InputFile::InputFile(const std::string& path, const std::string& what) : what_(what.empty() ? shown(path, 200) : what) {
  fd_ = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  check(fd_ >= 0, what_ + ": cannot open: " + std::strerror(errno));
  struct stat st {};
  const bool stated = ::fstat(fd_, &st) == 0;
  const int stat_errno = errno;
  if (!stated || !S_ISREG(st.st_mode)) {
    ::close(fd_);
    throw Error(what_ + ": " + (stated ? "is " + file_kind_name(st.st_mode) + ", not a regular file"
                                       : std::string("cannot stat: ") + std::strerror(stat_errno)));
  }
  size_ = static_cast<uint64_t>(st.st_size);
  mode_ = static_cast<unsigned>(st.st_mode);
}

InputFile::~InputFile() {
  if (fd_ >= 0) ::close(fd_);
}

std::string InputFile::read(uint64_t offset, uint64_t length) const {
  std::string bytes(static_cast<size_t>(length), '\0');
  uint64_t done = 0;
  while (done < length) {
    const ssize_t got = ::pread(fd_, bytes.data() + done, static_cast<size_t>(length - done),
                                static_cast<off_t>(offset + done));
    if (got < 0 && errno == EINTR) continue;
    check(got >= 0, what_ + ": read failed: " + std::strerror(errno));
    check(got > 0, what_ + ": ended at byte " + std::to_string(offset + done) + ", before the " +
                       std::to_string(length) + " bytes from " + std::to_string(offset) + " were read");
    done += static_cast<uint64_t>(got);
  }
  return bytes;
}

void require_input_file(const std::string& path, const std::string& what) { InputFile checked(path, what); }

std::string read_file_start(const std::string& path, size_t max_bytes, const std::string& what) {
  const InputFile file(path, what);
  return file.read(0, std::min<uint64_t>(file.size(), max_bytes));
}

std::string read_file(const std::string& path, size_t max_bytes, const std::string& what) {
  const InputFile file(path, what);
  check(file.size() <= max_bytes,
        file.what() + ": " + amount(file.size()) + ", more than the " + amount(max_bytes) + " such a file may hold");
  return file.read(0, file.size());
}

}  // namespace splitleak
