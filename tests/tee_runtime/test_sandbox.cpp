// The child's sandbox, in a forked process: after install_sandbox, files, sockets and new
// processes are refused while threads, memory and compute still work; limit_memory caps
// allocations.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <string>
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

// Whether a process of uid `uid` can read /proc/PID/environ of another process of the same uid
// that called make_undumpable (or not): 1 readable, 0 refused (EACCES), >= 2 a setup failure.
int same_user_can_read_environ(bool undumpable, uid_t uid) {
  int ready[2];
  if (::pipe(ready) != 0) return 2;
  const pid_t target = ::fork();
  if (target == 0) {
    if (::setuid(uid) != 0) ::_exit(2);
    // Changing uid made it undumpable already (fs.suid_dumpable): the control undoes that.
    if (undumpable) {
      make_undumpable();
    } else if (::prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) != 0) {
      ::_exit(2);
    }
    char byte = 1;
    if (::write(ready[1], &byte, 1) != 1) ::_exit(3);
    ::pause();
    ::_exit(0);
  }
  char byte = 0;
  const bool started = ::read(ready[0], &byte, 1) == 1;
  const pid_t reader = ::fork();
  if (reader == 0) {
    if (!started || ::setuid(uid) != 0) ::_exit(4);
    const int fd = ::open(("/proc/" + std::to_string(target) + "/environ").c_str(), O_RDONLY);
    ::_exit(fd >= 0 ? 1 : errno == EACCES ? 0 : 5);
  }
  int status = 0;
  ::waitpid(reader, &status, 0);
  ::kill(target, SIGKILL);
  ::waitpid(target, nullptr, 0);
  ::close(ready[0]), ::close(ready[1]);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 6;
}

TEST(Sandbox, AnUndumpableProcessIsClosedToItsOwnUsersOtherProcesses) {
  if (::getuid() != 0) GTEST_SKIP() << "needs root to run both processes as another user";
  const uid_t nobody = 65534;
  EXPECT_EQ(same_user_can_read_environ(false, nobody), 1);  // the control: same user, dumpable
  EXPECT_EQ(same_user_can_read_environ(true, nobody), 0);
  const int code = in_child([]() -> int {
    make_undumpable();
    return install_sandbox().rfind("not dumpable, ", 0) == 0 ? 0 : 1;
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
