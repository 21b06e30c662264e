#pragma once
// What this process may still allocate, and the check every large host allocation passes first:
// a request the machine cannot hold is refused with one line naming the size and the limit,
// instead of ending in "out of memory" after seconds and gigabytes, or in the kernel's OOM killer.
#include <cstdint>
#include <string>

namespace splitleak {

// What this process can still allocate and which limit says so: MemAvailable (/proc/meminfo),
// lowered to what the cgroup's memory.max leaves above memory.current when a limit is set, and to
// what the address-space limit (RLIMIT_AS, `ulimit -v`) leaves above the process's VmSize.
struct MemoryLimit {
  int64_t bytes = -1;  // -1 when unknown
  std::string source;  // "MemAvailable", "the cgroup's memory.max", "the address-space limit (ulimit -v)"
};
MemoryLimit memory_limit();
// memory_limit().bytes.
int64_t available_memory_bytes();

// "1.5 GiB", "820 MiB", "12 KiB": a byte count for messages.
std::string bytes_text(int64_t bytes);

// Allocations from this size up are checked against available_memory_bytes() (smaller ones are
// too frequent to read /proc for, and too small to matter alone).
inline constexpr int64_t kCheckedAllocationBytes = int64_t{64} << 20;

// Throws Error (bad input) "WHAT needs N, more than the M of memory available" when `bytes` is
// at least kCheckedAllocationBytes and more than available_memory_bytes().
void check_allocation(int64_t bytes, const std::string& what);

// Host tensor storage alive in this process (every Storage on the CPU, counted as its elements
// times 4 bytes), and the most alive at once since the last reset_tensor_peak() or the start.
int64_t live_tensor_bytes();
int64_t peak_tensor_bytes();
// The peak becomes what is alive now.
void reset_tensor_peak();
// Storage's bookkeeping: `delta` bytes allocated (> 0) or freed (< 0).
void count_tensor_bytes(int64_t delta);

}  // namespace splitleak
