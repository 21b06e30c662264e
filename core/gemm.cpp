#include "core/gemm.h"

#include <atomic>

#include "core/eigen.h"

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

}  // namespace

void gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t lda,
          const float* b, int64_t ldb, float beta, float* c, int64_t ldc) {
  if (m == 0 || n == 0) return;
  MutMap cm(c, m, n, Eigen::OuterStride<>(ldc));
  if (k == 0) {
    if (beta == 0.0f) cm.setZero(); else cm *= beta;
    return;
  }
  flops_done.fetch_add(2 * m * n * k, std::memory_order_relaxed);
  // A stored as rows x cols with leading dimension lda; transposition is a view.
  ConstMap am(a, trans_a ? k : m, trans_a ? m : k, Eigen::OuterStride<>(lda));
  ConstMap bm(b, trans_b ? n : k, trans_b ? k : n, Eigen::OuterStride<>(ldb));
  if (!trans_a && !trans_b) product(cm, am, bm, alpha, beta);
  else if (trans_a && !trans_b) product(cm, am.transpose(), bm, alpha, beta);
  else if (!trans_a && trans_b) product(cm, am, bm.transpose(), alpha, beta);
  else product(cm, am.transpose(), bm.transpose(), alpha, beta);
}

int64_t gemm_flops_done() { return flops_done.load(std::memory_order_relaxed); }

}  // namespace splitleak
