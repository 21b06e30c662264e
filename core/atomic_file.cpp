#include "core/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "core/error.h"
#include "core/input_file.h"

namespace splitleak {
namespace {

// "<path>.tmp<pid>-<n>": unique within the process and among processes.
std::string temporary_beside(const std::string& path) {
  static std::atomic<unsigned> next{0};
  return path + ".tmp" + std::to_string(::getpid()) + "-" + std::to_string(next++);
}

int open_temporary(const std::string& tmp, int extra_flags) {
  return ::open(tmp.c_str(), O_WRONLY | O_CLOEXEC | O_NOFOLLOW | extra_flags, 0666);
}

}  // namespace

std::string output_target_problem(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)  // ENOENT: a new file (or a link to nothing, which the rename replaces)
    return errno == ENOENT ? "" : std::string("cannot write: ") + std::strerror(errno);
  if (S_ISREG(st.st_mode)) return "";
  return "is " + file_kind_name(st.st_mode) + ", not a regular file: only a regular file is replaced";
}

void check_output_target(const std::string& path, const std::string& what) {
  const std::string problem = output_target_problem(path);
  if (!problem.empty()) throw Error((what.empty() ? shown(path, 200) : what) + ": " + problem);
}

AtomicOutput::AtomicOutput(std::string path, std::string what)
    : path_(std::move(path)), what_(what.empty() ? shown(path_, 200) : std::move(what)) {
  check_output_target(path_, what_);
  temporary_ = temporary_beside(path_);
  int fd = open_temporary(temporary_, O_CREAT | O_EXCL);
  if (fd < 0 && errno == EEXIST) {  // left by a killed process that had this pid
    ::unlink(temporary_.c_str());
    fd = open_temporary(temporary_, O_CREAT | O_EXCL);
  }
  check(fd >= 0, what_ + ": cannot create " + shown(temporary_, 200) + ": " + std::strerror(errno));
  ::close(fd);
}

AtomicOutput::~AtomicOutput() {
  if (!committed_) ::unlink(temporary_.c_str());
}

void AtomicOutput::write(const std::string& content) {
  const int fd = open_temporary(temporary_, O_TRUNC);
  if (fd < 0) throw Error(what_ + ": cannot write: " + std::strerror(errno), Error::Kind::Failure);
  size_t done = 0;
  int failure = 0;
  while (done < content.size() && failure == 0) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n > 0) done += static_cast<size_t>(n);
    else if (n < 0 && errno != EINTR) failure = errno;
  }
  if (::close(fd) != 0 && failure == 0) failure = errno;  // NFS and others report a full disk here
  if (failure != 0) throw Error(what_ + ": write failed: " + std::strerror(failure), Error::Kind::Failure);
}

void AtomicOutput::commit() {
  check_output_target(path_, what_);
  if (::rename(temporary_.c_str(), path_.c_str()) != 0)
    throw Error(what_ + ": cannot replace: " + std::strerror(errno), Error::Kind::Failure);
  committed_ = true;
}

void write_file_atomically(const std::string& path, const std::string& content, const std::string& what) {
  AtomicOutput out(path, what);
  out.write(content);
  out.commit();
}

}  // namespace splitleak
