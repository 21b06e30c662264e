#pragma once
// Dense linear algebra on an OpenCL device through CLBlast, on the context's queue.
#include <cstddef>
#include <string>

#include "core/opencl/context.h"

namespace splitleak::opencl {

// C = alpha * op(A) * op(B) + beta * C, row-major; op(A) is m x k, op(B) k x n, C m x n; each
// matrix at its offset (in floats) with its leading dimension. Enqueued, not waited for. Throws
// Error (Failure) naming `what` and CLBlast's status when CLBlast refuses.
void gemm(Context& ctx, bool transpose_a, bool transpose_b, size_t m, size_t n, size_t k, float alpha, cl_mem a,
          size_t a_offset, size_t lda, cl_mem b, size_t b_offset, size_t ldb, float beta, cl_mem c, size_t c_offset,
          size_t ldc, const std::string& what);

// For i < batch: C_i = alpha * op(A_i) * op(B_i) + beta * C_i, matrix i at its offset plus i
// times its stride (a stride of 0 shares one matrix across the batch; the C_i must not overlap).
void gemm_strided_batched(Context& ctx, bool transpose_a, bool transpose_b, size_t m, size_t n, size_t k, float alpha,
                          cl_mem a, size_t a_offset, size_t lda, size_t a_stride, cl_mem b, size_t b_offset, size_t ldb,
                          size_t b_stride, float beta, cl_mem c, size_t c_offset, size_t ldc, size_t c_stride,
                          size_t batch, const std::string& what);

}  // namespace splitleak::opencl
