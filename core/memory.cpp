#include "core/memory.h"

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "core/error.h"

namespace splitleak {
namespace {

// The first line of `path` as a byte count; -1 when absent or not a number ("max").
int64_t read_bytes_file(const std::string& path) {
  std::ifstream in(path);
  std::string word;
  if (!(in >> word) || word.empty() || word.find_first_not_of("0123456789") != std::string::npos) return -1;
  return std::stoll(word);
}

// The field `key` ("MemAvailable:") of a /proc file whose lines read "<key> N kB", in bytes; -1
// when absent.
int64_t kib_field(const char* path, const std::string& key) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key, 0) != 0) continue;
    std::istringstream fields(line.substr(key.size()));
    int64_t kib = -1;
    fields >> kib;
    return kib < 0 ? -1 : kib * 1024;
  }
  return -1;
}

int64_t mem_available() { return kib_field("/proc/meminfo", "MemAvailable:"); }

// The process's virtual size; -1 when unknown.
int64_t virtual_size() { return kib_field("/proc/self/status", "VmSize:"); }

// What RLIMIT_AS leaves this process; -1 when there is no limit.
int64_t address_space_left() {
  struct rlimit limit {};
  if (::getrlimit(RLIMIT_AS, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return -1;
  const int64_t used = virtual_size();
  const auto cap = static_cast<int64_t>(std::min<rlim_t>(limit.rlim_cur, INT64_MAX));
  return used < 0 ? cap : std::max<int64_t>(0, cap - used);
}

void lower_to(MemoryLimit& limit, int64_t bytes, const char* source) {
  if (bytes >= 0 && (limit.bytes < 0 || bytes < limit.bytes)) limit = {bytes, source};
}

}  // namespace

MemoryLimit memory_limit() {
  MemoryLimit limit;
  lower_to(limit, mem_available(), "MemAvailable");
  const int64_t cgroup = read_bytes_file("/sys/fs/cgroup/memory.max");
  const int64_t used = read_bytes_file("/sys/fs/cgroup/memory.current");
  if (cgroup >= 0 && used >= 0) lower_to(limit, std::max<int64_t>(0, cgroup - used), "the cgroup's memory.max");
  lower_to(limit, address_space_left(), "the address-space limit (ulimit -v)");
  return limit;
}

int64_t available_memory_bytes() { return memory_limit().bytes; }

std::string bytes_text(int64_t bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1024 && unit < 6) value /= 1024, ++unit;
  char text[32];
  std::snprintf(text, sizeof text, unit == 0 ? "%.0f %s" : "%.1f %s", value, units[unit]);
  return text;
}

void check_allocation(int64_t bytes, const std::string& what) {
  if (bytes < kCheckedAllocationBytes) return;
  const MemoryLimit available = memory_limit();
  if (available.bytes < 0 || bytes <= available.bytes) return;
  throw Error(what + " needs " + bytes_text(bytes) + ", more than the " + bytes_text(available.bytes) +
              " of memory available (" + available.source + ")");
}

namespace {

std::atomic<int64_t> g_live_bytes{0}, g_peak_bytes{0};

}  // namespace

int64_t live_tensor_bytes() { return g_live_bytes.load(std::memory_order_relaxed); }
int64_t peak_tensor_bytes() { return g_peak_bytes.load(std::memory_order_relaxed); }
void reset_tensor_peak() { g_peak_bytes.store(live_tensor_bytes(), std::memory_order_relaxed); }

void count_tensor_bytes(int64_t delta) {
  const int64_t live = g_live_bytes.fetch_add(delta, std::memory_order_relaxed) + delta;
  int64_t peak = g_peak_bytes.load(std::memory_order_relaxed);
  while (live > peak && !g_peak_bytes.compare_exchange_weak(peak, live, std::memory_order_relaxed)) {
  }
}

}  // namespace splitleak
