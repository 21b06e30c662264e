#include "core/gemm.h"

#include <omp.h>

#include <algorithm>
#include <atomic>
#include <vector>

#include "core/eigen.h"
#include "core/parallel.h"

namespace splitleak {
namespace {

std::atomic<int64_t> flops_done{0};

using RowMat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using ConstMap = Eigen::Map<const RowMat, Eigen::Unaligned, Eigen::OuterStride<>>;
using MutMap = Eigen::Map<RowMat, 0, Eigen::OuterStride<>>;

template <typename LhsExpr, typename RhsExpr>
void product(MutMap& c, const LhsExpr& lhs, const RhsExpr& rhs, float alpha, float beta) {
  if (beta == 0.0f) {
    c.noalias() = alpha * (lhs * rhs);
  } else {
    if (beta != 1.0f) c *= beta;
    c.noalias() += alpha * (lhs * rhs);
  }
}

// Eigen's kernel keeps 3 vectors of rows of its destination in registers (48 floats with
// AVX-512, 24 with AVX2). For a row-major C those rows run along C's columns, so a C with fewer
// columns than that (a U-Net's innermost layers: one pixel per image) runs only in the kernel's
// narrow remainder paths; its transpose runs in the full ones.
constexpr int64_t kPanel = 3 * Eigen::internal::packet_traits<float>::size;

// C = alpha op(A) op(B) + beta C as one Eigen product; A stored as rows x cols with leading
// dimension lda, transposition a view.
void eigen_product(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
                   int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc) {
  MutMap cm(c, m, n, Eigen::OuterStride<>(ldc));
  ConstMap am(a, trans_a ? k : m, trans_a ? m : k, Eigen::OuterStride<>(lda));
  ConstMap bm(b, trans_b ? n : k, trans_b ? k : n, Eigen::OuterStride<>(ldb));
  if (!trans_a && !trans_b) product(cm, am, bm, alpha, beta);
  else if (trans_a && !trans_b) product(cm, am.transpose(), bm, alpha, beta);
  else if (!trans_a && trans_b) product(cm, am, bm.transpose(), alpha, beta);
  else product(cm, am.transpose(), bm.transpose(), alpha, beta);
}

// One Eigen product, on the calling thread alone when inside a parallel region. A narrow C is
// computed as T (n x m) = alpha op(B)^T op(A)^T into a per-thread buffer, then C = T^T + beta C.
void eigen_gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t lda,
                const float* b, int64_t ldb, float beta, float* c, int64_t ldc) {
  if (n >= kPanel || m < 2 * kPanel) return eigen_product(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  thread_local std::vector<float> t;
  t.resize(static_cast<size_t>(n * m));
  eigen_product(!trans_b, !trans_a, n, m, k, alpha, b, ldb, a, lda, 0.0f, t.data(), m);
  MutMap cm(c, m, n, Eigen::OuterStride<>(ldc)), tm(t.data(), n, m, Eigen::OuterStride<>(m));
  if (beta == 0.0f) cm = tm.transpose();
  else if (beta == 1.0f) cm += tm.transpose();
  else cm = beta * cm + tm.transpose();
}

constexpr int64_t kSplitUnit = 16;            // rows or columns of C per unit of the split (a vector)
constexpr double kFlopsPerThread = 100000.0;  // below this much work per thread, one thread

// The threads a product of this size is split over.
int64_t split_parts(int64_t m, int64_t n, int64_t k, int64_t units) {
  if (omp_in_parallel()) return 1;
  const double work = 2.0 * static_cast<double>(m) * static_cast<double>(n) * static_cast<double>(k);
  return std::min<int64_t>({num_threads(), units, static_cast<int64_t>(work / kFlopsPerThread) + 1});
}

}  // namespace

void gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t lda,
          const float* b, int64_t ldb, float beta, float* c, int64_t ldc, const GemmBlockDone& done) {
  if (m == 0 || n == 0) return;
  if (k == 0) {
    MutMap cm(c, m, n, Eigen::OuterStride<>(ldc));
    if (beta == 0.0f) cm.setZero(); else cm *= beta;
    if (done) done(0, m, 0, n);
    return;
  }
  flops_done.fetch_add(2 * m * n * k, std::memory_order_relaxed);
  // Threads take static row (or, for few rows and many columns, column) ranges of C, each a
  // single-threaded product: on every convolution shape measured this beat Eigen's own threading,
  // which shares packed panels between threads and waits on them, by 8-60% (bench/gemm_split).
  const bool by_rows = m >= n || m >= 256 * num_threads();
  const int64_t units = ((by_rows ? m : n) + kSplitUnit - 1) / kSplitUnit;
  const int64_t parts = split_parts(m, n, k, units);
  if (parts <= 1) {
    eigen_gemm(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    if (done) done(0, m, 0, n);
    return;
  }
  const int64_t extent = by_rows ? m : n;
#pragma omp parallel for schedule(static, 1) num_threads(static_cast<int>(parts))
  for (int64_t part = 0; part < parts; ++part) {
    const int64_t first = chunk_begin(units, static_cast<int>(parts), static_cast<int>(part)) * kSplitUnit;
    const int64_t count =
        std::min(extent, chunk_begin(units, static_cast<int>(parts), static_cast<int>(part) + 1) * kSplitUnit) - first;
    if (by_rows) {  // rows [first, first + count) of op(A) and C
      eigen_gemm(trans_a, trans_b, count, n, k, alpha, trans_a ? a + first : a + first * lda, lda, b, ldb, beta,
                 c + first * ldc, ldc);
      if (done) done(first, count, 0, n);
    } else {  // columns [first, first + count) of op(B) and C
      eigen_gemm(trans_a, trans_b, m, count, k, alpha, a, lda, trans_b ? b + first * ldb : b + first, ldb, beta,
                 c + first, ldc);
      if (done) done(0, m, first, count);
    }
  }
}

int64_t gemm_flops_done() { return flops_done.load(std::memory_order_relaxed); }

}  // namespace splitleak
