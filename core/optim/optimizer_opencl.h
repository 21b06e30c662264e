#pragma once
// The OpenCL side of core/optim/optimizer.h: one update kernel per optimizer over a parameter and
// its state on one device, the same float arithmetic as the CPU loop.
#include "core/optim/optimizer.h"

namespace splitleak::optim::opencl_impl {

// p, m, v updated in place from g; bias2_sqrt = sqrt(1 - b2^t), step_size = lr / (1 - b1^t).
void adam_update(Tensor& p, const Tensor& g, Tensor& m, Tensor& v, const AdamOptions& o, float lr, float bias2_sqrt,
                 float step_size);
// p and the momentum buffer updated in place from g (`first`: the buffer starts as the gradient).
void sgd_update(Tensor& p, const Tensor& g, Tensor& buffer, const SgdOptions& o, float lr, bool first);

}  // namespace splitleak::optim::opencl_impl
