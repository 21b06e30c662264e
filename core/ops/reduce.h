#pragma once
// Reductions and (log-)softmax. Gradients accumulate (+=) into the input slot.
#include "core/tensor.h"

namespace splitleak::ops {

Tensor sum(const Tensor& x);   // 0-d result; accumulates in double
Tensor mean(const Tensor& x);  // 0-d result
// Along dim 1 of (N, C, ...): per (n, position) over C.
Tensor softmax(const Tensor& x);
Tensor log_softmax(const Tensor& x);

}  // namespace splitleak::ops
