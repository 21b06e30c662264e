#include "tee_runtime/sandbox.h"

#include <fcntl.h>
#include <sched.h>
#include <seccomp.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>

#include "core/error.h"

namespace splitleak::tee {
namespace {

// VmData of /proc/self/status, in bytes.
int64_t data_bytes_now() {
  std::ifstream status("/proc/self/status");
  std::string key;
  while (status >> key) {
    if (key == "VmData:") {
      int64_t kib = 0;
      status >> kib;
      return kib * 1024;
    }
    std::string rest;
    std::getline(status, rest);
  }
  throw Error("cannot read VmData from /proc/self/status", Error::Kind::Failure);
}

}  // namespace

void make_undumpable() {
  if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0 || prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 0)
    throw Error(std::string("prctl(PR_SET_DUMPABLE, 0) failed: ") + std::strerror(errno), Error::Kind::Failure);
}

void limit_memory(int64_t budget_bytes) {
  check(budget_bytes > 0, "the enclave's memory budget must be positive");
  const rlim_t limit = static_cast<rlim_t>(data_bytes_now() + budget_bytes);
  const rlimit r{limit, limit};
  if (setrlimit(RLIMIT_DATA, &r) != 0)
    throw Error(std::string("setrlimit(RLIMIT_DATA) failed: ") + std::strerror(errno), Error::Kind::Failure);
}

std::string install_sandbox() {
  const bool dumpable = prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 0;  // before seccomp refuses prctl
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
    throw Error(std::string("prctl(PR_SET_NO_NEW_PRIVS) failed: ") + std::strerror(errno), Error::Kind::Failure);
  std::unique_ptr<void, void (*)(scmp_filter_ctx)> ctx(seccomp_init(SCMP_ACT_ERRNO(EPERM)), seccomp_release);
  if (!ctx) throw Error("seccomp_init failed", Error::Kind::Failure);
  int rules = 0;
  auto allow = [&](int syscall) {
    if (seccomp_rule_add(ctx.get(), SCMP_ACT_ALLOW, syscall, 0) != 0)
      throw Error("seccomp: cannot allow system call " + std::to_string(syscall), Error::Kind::Failure);
    ++rules;
  };
  for (int s : {SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(readv), SCMP_SYS(writev), SCMP_SYS(recvfrom),
                SCMP_SYS(sendto), SCMP_SYS(recvmsg), SCMP_SYS(sendmsg), SCMP_SYS(poll), SCMP_SYS(ppoll),
                SCMP_SYS(close), SCMP_SYS(fstat), SCMP_SYS(lseek), SCMP_SYS(mmap), SCMP_SYS(munmap),
                SCMP_SYS(mremap), SCMP_SYS(mprotect), SCMP_SYS(madvise), SCMP_SYS(brk), SCMP_SYS(futex),
                SCMP_SYS(set_robust_list), SCMP_SYS(rseq), SCMP_SYS(sched_yield), SCMP_SYS(sched_getaffinity),
                SCMP_SYS(getpid), SCMP_SYS(gettid), SCMP_SYS(tgkill), SCMP_SYS(rt_sigaction),
                SCMP_SYS(rt_sigprocmask), SCMP_SYS(rt_sigreturn), SCMP_SYS(sigaltstack), SCMP_SYS(clock_gettime),
                SCMP_SYS(clock_nanosleep), SCMP_SYS(nanosleep), SCMP_SYS(getrandom), SCMP_SYS(exit),
                SCMP_SYS(exit_group)})
    allow(s);
  // fstat through newfstatat: only on an open descriptor (AT_EMPTY_PATH), never by path.
  if (seccomp_rule_add(ctx.get(), SCMP_ACT_ALLOW, SCMP_SYS(newfstatat), 1,
                       SCMP_A3(SCMP_CMP_MASKED_EQ, AT_EMPTY_PATH, AT_EMPTY_PATH)) != 0)
    throw Error("seccomp: cannot add the newfstatat rule", Error::Kind::Failure);
  // New threads only (OpenMP), never a new process.
  if (seccomp_rule_add(ctx.get(), SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
                       SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, CLONE_THREAD)) != 0)
    throw Error("seccomp: cannot add the clone rule", Error::Kind::Failure);
  // clone3 passes its flags in memory, out of the filter's sight: glibc falls back to clone.
  if (seccomp_rule_add(ctx.get(), SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0) != 0)
    throw Error("seccomp: cannot add the clone3 rule", Error::Kind::Failure);
  rules += 3;
  if (seccomp_load(ctx.get()) != 0) throw Error("seccomp_load failed", Error::Kind::Failure);
  const int probe = ::open("/proc/self/status", O_RDONLY | O_CLOEXEC);
  if (probe >= 0) {
    ::close(probe);
    throw Error("the seccomp filter is loaded but opening a file still works", Error::Kind::Failure);
  }
  return std::string(dumpable ? "dumpable" : "not dumpable") + ", no_new_privs, seccomp allowlist of " + std::to_string(rules) + " rules (open refused: " +
         std::strerror(errno) + ")";
}

}  // namespace splitleak::tee
