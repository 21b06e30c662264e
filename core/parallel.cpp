#include "core/parallel.h"

#include <omp.h>

#include <algorithm>
#include <thread>

#include "core/eigen.h"
#include "core/error.h"

namespace splitleak {

void set_num_threads(int n) {
  check(n <= kMaxThreads, std::to_string(n) + " threads: at most " + std::to_string(kMaxThreads) + " are started");
  if (n <= 0) n = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  omp_set_num_threads(n);
  Eigen::setNbThreads(n);
}

int num_threads() { return omp_get_max_threads(); }

void parallel_for(int64_t count, const std::function<void(int64_t, int64_t)>& body) {
  if (count <= 0) return;
  const int threads = static_cast<int>(std::min<int64_t>(num_threads(), count));
  if (threads <= 1 || omp_in_parallel()) {
    body(0, count);
    return;
  }
#pragma omp parallel num_threads(threads)
  {
    const int64_t t = omp_get_thread_num();
    const int64_t begin = count * t / threads;
    const int64_t end = count * (t + 1) / threads;
    if (begin < end) body(begin, end);
  }
}

}  // namespace splitleak

namespace splitleak {
int chunk_count(int64_t count) {
  if (count <= 0) return 0;
  return omp_in_parallel() ? 1 : static_cast<int>(std::min<int64_t>(num_threads(), count));
}

int parallel_chunks(int64_t count, const std::function<void(int, int64_t, int64_t)>& body) {
  if (count <= 0) return 0;
  const int chunks = chunk_count(count);
  if (chunks <= 1) {
    body(0, 0, count);
    return 1;
  }
#pragma omp parallel for schedule(static, 1) num_threads(chunks)
  for (int c = 0; c < chunks; ++c) body(c, chunk_begin(count, chunks, c), chunk_begin(count, chunks, c + 1));
  return chunks;
}
}  // namespace splitleak
