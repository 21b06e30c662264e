#include "core/ops/dropout.h"

#include "core/autograd.h"
#include "core/error.h"
#include "core/ops/device_dispatch.h"
#include "core/ops/dropout_opencl.h"
#include "core/parallel.h"

namespace splitleak::ops {
namespace {

float mask_uniform(uint64_t key, uint64_t i) {
  uint64_t z = key + (i + 1) * 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  z ^= z >> 31;
  return static_cast<float>(z >> 40) * (1.0f / 16777216.0f);
}

}  // namespace

Tensor keep_mask(const Shape& shape, float p, uint64_t key, const Device& device) {
  if (device.opencl) return opencl_impl::keep_mask(shape, p, key, device);
  Tensor mask = Tensor::empty(shape);
  float* pm = mask.data();
  parallel_for(mask.numel(), [&](int64_t s, int64_t e) {
    for (int64_t i = s; i < e; ++i) pm[i] = mask_uniform(key, static_cast<uint64_t>(i)) >= p ? 1.0f : 0.0f;
  });
  return mask;
}

Tensor dropout_with_mask(const Tensor& x, const Tensor& keep_mask, float p) {
  const bool device = on_device("dropout", {&x, &keep_mask});
  check(p >= 0.0f && p < 1.0f, "dropout: p must be in [0, 1), got " + std::to_string(p));
  check(keep_mask.shape() == x.shape(), "dropout: mask " + shape_str(keep_mask.shape()) + " for input " +
                                            shape_str(x.shape()));
  const float scale = 1.0f / (1.0f - p);
  if (device)
    return autograd::record(opencl_impl::masked_scale(x, keep_mask, scale), {x}, "dropout",
                            [keep_mask, scale](const Tensor& gy, std::span<Tensor> gi) {
                              opencl_impl::masked_scale_backward(gy, keep_mask, scale, gi[0]);
                            });
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
  return dropout_with_mask(x, keep_mask(x.shape(), p, gen.next_u64(), x.device()), p);
}

}  // namespace splitleak::ops
