// core/gemm.h: every transposition with leading dimensions wider than the rows, alpha and beta,
// against a plain triple loop; the FLOP count benchmarks read.
#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <cmath>
#include <vector>

#include "core/gemm.h"
#include "core/parallel.h"
#include "core/random.h"

namespace splitleak {
namespace {

std::vector<float> random_values(size_t count, uint64_t seed) {
  Generator gen(seed);
  std::vector<float> v(count);
  for (auto& x : v) x = gen.uniform() * 2.0f - 1.0f;
  return v;
}

// C = 0.5 op(A) op(B) + 2 C for every transposition, checked element by element, with the padding
// past each row of C untouched.
void check_against_loops(int64_t m, int64_t n, int64_t k) {
  const int64_t pad = 3;
  for (const bool ta : {false, true})
    for (const bool tb : {false, true}) {
      const int64_t lda = (ta ? m : k) + pad, ldb = (tb ? k : n) + pad, ldc = n + pad;
      const auto a = random_values(static_cast<size_t>((ta ? k : m) * lda), 1);
      const auto b = random_values(static_cast<size_t>((tb ? n : k) * ldb), 2);
      auto c = random_values(static_cast<size_t>(m * ldc), 3);
      const auto c0 = c;
      gemm(ta, tb, m, n, k, 0.5f, a.data(), lda, b.data(), ldb, 2.0f, c.data(), ldc);
      for (int64_t i = 0; i < m; ++i)
        for (int64_t j = 0; j < n; ++j) {
          double sum = 0;
          for (int64_t p = 0; p < k; ++p)
            sum += static_cast<double>(ta ? a[p * lda + i] : a[i * lda + p]) * (tb ? b[j * ldb + p] : b[p * ldb + j]);
          ASSERT_NEAR(c[i * ldc + j], 0.5 * sum + 2.0 * c0[i * ldc + j], 1e-4) << ta << tb << " " << i << "," << j;
        }
      for (int64_t i = 0; i < m; ++i)  // the padding is not written
        for (int64_t j = n; j < ldc; ++j) ASSERT_EQ(c[i * ldc + j], c0[i * ldc + j]);
    }
}

TEST(Gemm, EveryTranspositionAgainstLoops) { check_against_loops(7, 5, 9); }

// Fewer columns than the kernel's register panel and many rows: computed through C's transpose.
TEST(Gemm, NarrowProductsThroughTheTransposeAgainstLoops) {
  const int before = num_threads();
  for (const int threads : {1, 2}) {
    set_num_threads(threads);
    check_against_loops(400, 7, 30);
    check_against_loops(300, 1, 50);
  }
  set_num_threads(before);
}

// Products large enough to be split over threads: by rows of C (m >= n), and by columns (few
// rows, many columns), into 3 parts whose last is not a whole unit of 16.
TEST(Gemm, SplitOverThreadsByRowsAndByColumns) {
  const int before = num_threads();
  set_num_threads(3);
  check_against_loops(100, 37, 40);
  check_against_loops(20, 120, 50);
  set_num_threads(before);
}

// `done` sees every element of C once, after it is final, on the thread that computed it: each
// call checks its block against the finished product and counts the block's elements.
TEST(Gemm, BlockDoneCoversEveryElementOnceAfterItIsComputed) {
  const int before = num_threads();
  set_num_threads(3);
  for (const auto& shape : {std::array<int64_t, 3>{100, 37, 40}, {20, 120, 50}, {4, 6, 3}, {5, 4, 0}}) {
    const int64_t m = shape[0], n = shape[1], k = shape[2];
    const auto a = random_values(static_cast<size_t>(m * std::max<int64_t>(k, 1)), 1);
    const auto b = random_values(static_cast<size_t>(k * n), 2);
    std::vector<float> c(static_cast<size_t>(m * n), std::nanf("")), expected(c.size(), 0.0f);
    gemm(false, false, m, n, k, 1.0f, a.data(), k, b.data(), n, 0.0f, expected.data(), n);
    std::vector<std::atomic<int>> seen(c.size());
    std::atomic<int> calls{0}, early{0};
    gemm(false, false, m, n, k, 1.0f, a.data(), k, b.data(), n, 0.0f, c.data(), n,
         [&](int64_t r0, int64_t rows, int64_t c0, int64_t cols) {
           ++calls;
           for (int64_t i = r0; i < r0 + rows; ++i)
             for (int64_t j = c0; j < c0 + cols; ++j) {
               ++seen[i * n + j];
               if (c[i * n + j] != expected[i * n + j]) ++early;
             }
         });
    for (size_t i = 0; i < seen.size(); ++i) ASSERT_EQ(seen[i].load(), 1) << m << "x" << n << "x" << k << " at " << i;
    EXPECT_EQ(early.load(), 0) << m << "x" << n << "x" << k;
    EXPECT_EQ(calls.load(), m * n * k > 20000 ? 3 : 1) << m << "x" << n << "x" << k;
  }
  set_num_threads(before);
}

TEST(Gemm, BetaZeroAssignsAndCountsFlops) {
  const int64_t m = 4, n = 6, k = 3;
  const auto a = random_values(m * k, 4), b = random_values(k * n, 5);
  std::vector<float> c(m * n, std::nanf(""));
  const int64_t before = gemm_flops_done();
  gemm(false, false, m, n, k, 1.0f, a.data(), k, b.data(), n, 0.0f, c.data(), n);
  EXPECT_EQ(gemm_flops_done() - before, 2 * m * n * k);
  for (float v : c) EXPECT_FALSE(std::isnan(v));  // the old contents are ignored
  gemm(false, false, m, n, 0, 1.0f, a.data(), k, b.data(), n, 0.0f, c.data(), n);  // k = 0: C = beta C, no FLOPs
  EXPECT_EQ(gemm_flops_done() - before, 2 * m * n * k);
  for (float v : c) EXPECT_EQ(v, 0.0f);
}

}  // namespace
}  // namespace splitleak
