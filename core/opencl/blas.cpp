#include "core/opencl/blas.h"

#include <clblast.h>

#include "core/error.h"

namespace splitleak::opencl {

void gemm(Context& ctx, bool transpose_a, bool transpose_b, size_t m, size_t n, size_t k, float alpha, cl_mem a,
          size_t a_offset, size_t lda, cl_mem b, size_t b_offset, size_t ldb, float beta, cl_mem c, size_t c_offset,
          size_t ldc, const std::string& what) {
  cl_command_queue queue = ctx.queue();
  const auto op = [](bool t) { return t ? clblast::Transpose::kYes : clblast::Transpose::kNo; };
  const clblast::StatusCode s = clblast::Gemm<float>(clblast::Layout::kRowMajor, op(transpose_a), op(transpose_b), m, n, k,
                                                     alpha, a, a_offset, lda, b, b_offset, ldb, beta, c, c_offset, ldc,
                                                     &queue);
  if (s != clblast::StatusCode::kSuccess)
    throw Error(what + ": CLBlast GEMM failed with status " + std::to_string(static_cast<int>(s)), Error::Kind::Failure);
}

void gemm_strided_batched(Context& ctx, bool transpose_a, bool transpose_b, size_t m, size_t n, size_t k, float alpha,
                          cl_mem a, size_t a_offset, size_t lda, size_t a_stride, cl_mem b, size_t b_offset, size_t ldb,
                          size_t b_stride, float beta, cl_mem c, size_t c_offset, size_t ldc, size_t c_stride,
                          size_t batch, const std::string& what) {
  if (batch == 1)
    return gemm(ctx, transpose_a, transpose_b, m, n, k, alpha, a, a_offset, lda, b, b_offset, ldb, beta, c, c_offset, ldc,
                what);
  cl_command_queue queue = ctx.queue();
  const auto op = [](bool t) { return t ? clblast::Transpose::kYes : clblast::Transpose::kNo; };
  const clblast::StatusCode s = clblast::GemmStridedBatched<float>(
      clblast::Layout::kRowMajor, op(transpose_a), op(transpose_b), m, n, k, alpha, a, a_offset, lda, a_stride, b, b_offset,
      ldb, b_stride, beta, c, c_offset, ldc, c_stride, batch, &queue);
  if (s != clblast::StatusCode::kSuccess)
    throw Error(what + ": CLBlast batched GEMM failed with status " + std::to_string(static_cast<int>(s)),
                Error::Kind::Failure);
}

}  // namespace splitleak::opencl
