#pragma once
// What splitleak-enclave does to itself once it holds its partition: a memory budget, then
// no_new_privs and a seccomp allowlist, so that the plaintext inputs it decrypts have no way out
// but the socket it was given.
#include <cstdint>
#include <string>

namespace splitleak::tee {

// PR_SET_DUMPABLE 0, checked: no core dump of the enclave's memory, and its /proc files (mem,
// maps, environ) and ptrace are closed to processes of the same user without CAP_SYS_PTRACE.
// splitleak-enclave calls it first thing, before any key or input reaches it. Throws Error when
// it cannot.
void make_undumpable();

// Caps the process's data (heap and private writable mappings, RLIMIT_DATA) at what it uses now
// plus budget_bytes: allocations beyond fail (std::bad_alloc). Throws Error when it cannot.
void limit_memory(int64_t budget_bytes);

// PR_SET_NO_NEW_PRIVS, then a seccomp filter (libseccomp) that allows only: reading and writing
// already-open descriptors, poll, close, fstat; memory management (mmap, munmap, mremap,
// mprotect, madvise, brk); threads (clone with CLONE_THREAD, futex, set_robust_list, rseq,
// sched_yield, sched_getaffinity), signals needed to abort, clocks and sleeps, exit. Everything
// else (open, socket, connect, execve, fork, ptrace, ...) fails with EPERM. Then checks that
// opening a file is refused. Returns a one-line report; throws Error when any step fails.
std::string install_sandbox();

}  // namespace splitleak::tee
