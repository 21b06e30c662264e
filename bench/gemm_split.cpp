// Eigen's own threading against static splits of C, on the GEMM shapes of the convolutions here
// (docs/cpu-engine.md, "The GEMM"). For each C = A B (A m x k, B k x n, row-major), the best of
// several runs, in GFLOP/s:
//   eigen_threads  one Eigen product with Eigen's threading
//   split_rows     threads take static row ranges of C, one single-threaded Eigen product each
//   split_cols     the same with column ranges
//   gemm           splitleak::gemm (core/gemm.h), which picks rows or columns
// Usage: bench/gemm_split [threads]   (default 2)
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "core/eigen.h"
#include "core/gemm.h"
#include "core/parallel.h"

namespace {

using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

template <class F>
double best_seconds(int runs, F&& run) {
  double best = 1e30;
  for (int r = 0; r < runs; ++r) {
    const auto start = std::chrono::steady_clock::now();
    run();
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  return best;
}

// C's rows (or columns) [t * extent / threads, (t + 1) * extent / threads) on thread t.
void split_product(const Matrix& a, const Matrix& b, Matrix& c, bool by_rows, int threads) {
  const int64_t extent = by_rows ? c.rows() : c.cols();
#pragma omp parallel num_threads(threads)
  {
    const int64_t t = omp_get_thread_num(), begin = extent * t / threads, end = extent * (t + 1) / threads;
    if (by_rows) c.middleRows(begin, end - begin).noalias() = a.middleRows(begin, end - begin) * b;
    else c.middleCols(begin, end - begin).noalias() = a * b.middleCols(begin, end - begin);
  }
}

}  // namespace

int main(int argc, char** argv) {
  const int threads = argc > 1 ? std::max(1, std::atoi(argv[1])) : 2;
  splitleak::set_num_threads(threads);
  // m, n, k: 1024^3, then ResNet-50's convolutions at batch 1 (cout, pixels, cin * taps).
  const int64_t shapes[][3] = {{1024, 1024, 1024}, {2048, 49, 512},  {512, 49, 4608}, {256, 196, 2304},
                               {128, 784, 1152},   {64, 3136, 576}};
  std::printf("threads=%d\n", threads);
  for (const auto& s : shapes) {
    const int64_t m = s[0], n = s[1], k = s[2];
    const Matrix a = Matrix::Random(m, k), b = Matrix::Random(k, n);
    Matrix c(m, n);
    const int runs = std::max(5, static_cast<int>(3e9 / (2.0 * m * n * k)));
    const double gflop = 2.0 * m * n * k / 1e9;
    const double eigen = best_seconds(runs, [&] { c.noalias() = a * b; });
    const double rows = best_seconds(runs, [&] { split_product(a, b, c, true, threads); });
    const double cols = best_seconds(runs, [&] { split_product(a, b, c, false, threads); });
    const double ours = best_seconds(runs, [&] {
      splitleak::gemm(false, false, m, n, k, 1.0f, a.data(), k, b.data(), n, 0.0f, c.data(), n);
    });
    std::printf("m=%ld n=%ld k=%ld eigen_threads=%.1f split_rows=%.1f split_cols=%.1f gemm=%.1f\n",
                static_cast<long>(m), static_cast<long>(n), static_cast<long>(k), gflop / eigen, gflop / rows,
                gflop / cols, gflop / ours);
  }
  return 0;
}
