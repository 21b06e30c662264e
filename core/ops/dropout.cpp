#include "core/ops/dropout.h"

#include "core/autograd.h"
#include "core/error.h"
#include "core/ops/device_dispatch.h"
#include "core/parallel.h"

namespace splitleak::ops {

Tensor dropout_with_mask(const Tensor& x, const Tensor& keep_mask, float p) {
  require_cpu("dropout", {&x, &keep_mask});
  check(p >= 0.0f && p < 1.0f, "dropout: p must be in [0, 1), got " + std::to_string(p));
  check(keep_mask.shape() == x.shape(), "dropout: mask " + shape_str(keep_mask.shape()) + " for input " +
                                            shape_str(x.shape()));
  const float scale = 1.0f / (1.0f - p);
  Tensor y = Tensor::empty(x.shape());
  const float* px = x.data();
  const float* pm = keep_mask.data();
  float* py = y.data();
  parallel_for(x.numel(), [&](int64_t s, int64_t e) {
    for (int64_t i = s; i < e; ++i) py[i] = px[i] * pm[i] * scale;
  });
  return autograd::record(y, {x}, "dropout", [keep_mask, scale](const Tensor& gy, std::span<Tensor> gi) {
    const float* pm = keep_mask.data();
    const float* pgy = gy.data();
    float* pg = gi[0].data();
    parallel_for(gy.numel(), [&](int64_t s, int64_t e) {
      for (int64_t i = s; i < e; ++i) pg[i] += pgy[i] * pm[i] * scale;
    });
  });
}

Tensor dropout(const Tensor& x, float p, bool training, Generator& gen) {
  if (!training || p == 0.0f) return x;
  require_cpu("dropout", {&x});
  Tensor mask = Tensor::empty(x.shape());
  float* pm = mask.data();
  for (int64_t i = 0; i < mask.numel(); ++i) pm[i] = gen.uniform() >= p ? 1.0f : 0.0f;
  return dropout_with_mask(x, mask, p);
}

}  // namespace splitleak::ops
