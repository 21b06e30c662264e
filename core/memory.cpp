#include "core/memory.h"

#include <algorithm>
#include <atomic>
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

int64_t mem_available() {
  std::ifstream in("/proc/meminfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("MemAvailable:", 0) != 0) continue;
    std::istringstream fields(line.substr(13));
    int64_t kib = -1;
    fields >> kib;
    return kib < 0 ? -1 : kib * 1024;
  }
  return -1;
}

}  // namespace

int64_t available_memory_bytes() {
  int64_t available = mem_available();
  const int64_t limit = read_bytes_file("/sys/fs/cgroup/memory.max");
  const int64_t used = read_bytes_file("/sys/fs/cgroup/memory.current");
  if (limit >= 0 && used >= 0) {
    const int64_t left = std::max<int64_t>(0, limit - used);
    available = available < 0 ? left : std::min(available, left);
  }
  return available;
}

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
  const int64_t available = available_memory_bytes();
  if (available < 0 || bytes <= available) return;
  throw Error(what + " needs " + bytes_text(bytes) + ", more than the " + bytes_text(available) +
              " of memory available");
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
