#pragma once
// Thread count for the whole engine (OpenMP regions and Eigen's GEMM). Results are
// bit-identical for the same thread count: every parallel loop uses a static schedule and
// every cross-thread reduction sums per-thread partials in thread order.
#include <cstdint>
#include <functional>

namespace splitleak {

// The most threads splitleak starts (a count above it is refused where it is given).
inline constexpr int kMaxThreads = 4096;

// n <= 0 means all cores. Throws Error for n > kMaxThreads.
void set_num_threads(int n);
int num_threads();

// Calls body(begin, end) on disjoint static chunks of [0, count), in parallel.
void parallel_for(int64_t count, const std::function<void(int64_t, int64_t)>& body);

}  // namespace splitleak

namespace splitleak {
// Splits [0, count) into at most num_threads() static chunks and calls body(chunk, begin, end)
// for each, in parallel. Returns the number of chunks; chunk c covers the same range for the same
// thread count, so per-chunk partial results can be reduced in chunk order deterministically.
int parallel_chunks(int64_t count, const std::function<void(int, int64_t, int64_t)>& body);
// The number of chunks parallel_chunks(count, ...) uses here.
int chunk_count(int64_t count);
// The first index of chunk c of `chunks` over [0, count): chunk c covers [begin(c), begin(c + 1)).
inline int64_t chunk_begin(int64_t count, int chunks, int c) { return count * c / chunks; }
}  // namespace splitleak
