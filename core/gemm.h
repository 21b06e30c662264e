#pragma once
// The engine's one matrix product, on row-major buffers with leading dimensions:
//   C[M x N] = alpha * op(A) * op(B) + beta * C,  op(X) = X or X^T.
// A is M x K (K x M when trans_a), B is K x N (N x K when trans_b). beta == 0 assigns C
// (its old contents are ignored). Runs on Eigen. Outside a parallel region, a product worth it is
// split into static row (or column) ranges of C, one single-threaded Eigen product per thread;
// inside one, it runs on the calling thread. Each element of C is computed by one thread, in an
// order fixed by the shapes and the thread count.
#include <cstdint>

namespace splitleak {

void gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t lda,
          const float* b, int64_t ldb, float beta, float* c, int64_t ldc);

// The multiply-add FLOPs (2 m n k per call, k > 0) every gemm call of the process has done, for
// benchmarks' GFLOP/s: a relaxed atomic count, read before and after the work.
int64_t gemm_flops_done();

}  // namespace splitleak
