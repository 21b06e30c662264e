// The child's sandbox, in a forked process: after install_sandbox, files, sockets and new
// processes are refused while threads, memory and compute still work; limit_memory caps
// allocations.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <thread>
#include <vector>

#include "tee_runtime/sandbox.h"

namespace splitleak::tee {
namespace {

// Runs body in a forked child; returns its exit status (body's return value), or 100 + signal.
int in_child(int (*body)()) {
  const pid_t pid = ::fork();
  if (pid == 0) ::_exit(body());
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 100 + WTERMSIG(status);
}

TEST(Sandbox, RefusesFilesSocketsAndProcessesKeepsThreadsAndMemory) {
  const int code = in_child([]() -> int {
    try {
      if (install_sandbox().find("seccomp") == std::string::npos) return 10;
    } catch (...) {
      return 11;
    }
    if (::open("/etc/hostname", O_RDONLY) >= 0 || errno != EPERM) return 12;
    if (::socket(AF_INET, SOCK_STREAM, 0) >= 0 || errno != EPERM) return 13;
    if (::fork() >= 0 || errno != EPERM) return 14;
    if (::execl("/bin/true", "true", nullptr) >= 0 || errno != EPERM) return 15;
    std::vector<float> big(50'000'000, 1.0f);  // 200 MB: brk/mmap still allowed
    double sum = 0;
    std::thread t([&] {
      for (float v : big) sum += v;
    });
    t.join();
    return sum == 50'000'000.0 ? 0 : 16;
  });
  EXPECT_EQ(code, 0);
}

TEST(Sandbox, MemoryLimitMakesLargeAllocationsFail) {
  const int code = in_child([]() -> int {
    limit_memory(int64_t{64} << 20);
    void* small = std::malloc(16 << 20);
    if (!small) return 20;
    void* big = std::malloc(size_t{256} << 20);
    if (big) return 21;
    std::free(small);
    return 0;
  });
  EXPECT_EQ(code, 0);
}

}  // namespace
}  // namespace splitleak::tee
