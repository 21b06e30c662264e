#pragma once
// The engine's one matrix product, on row-major buffers with leading dimensions:
//   C[M x N] = alpha * op(A) * op(B) + beta * C,  op(X) = X or X^T.
// A is M x K (K x M when trans_a), B is K x N (N x K when trans_b). beta == 0 assigns C
// (its old contents are ignored). Runs on Eigen. Outside a parallel region, a product worth it is
// split into static row (or column) ranges of C, one single-threaded Eigen product per thread;
// inside one, it runs on the calling thread. Each element of C is computed by one thread, in an
// order fixed by the shapes and the thread count. A product with fewer columns than Eigen's
// register panel and many rows is computed through its transpose (docs/cpu-engine.md).
//
// `done`, when set, is called on the thread that computed them for each block of C finished:
// rows [row0, row0 + rows), columns [col0, col0 + cols); the blocks cover C once. A caller may
// apply an element-wise epilogue there while the block is still in that thread's cache.
#include <cstdint>
#include <functional>

namespace splitleak {

using GemmBlockDone = std::function<void(int64_t row0, int64_t rows, int64_t col0, int64_t cols)>;

void gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t lda,
          const float* b, int64_t ldb, float beta, float* c, int64_t ldc, const GemmBlockDone& done = {});

// The multiply-add FLOPs (2 m n k per call, k > 0) every gemm call of the process has done, for
// benchmarks' GFLOP/s: a relaxed atomic count, read before and after the work.
int64_t gemm_flops_done();

}  // namespace splitleak
