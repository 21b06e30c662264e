#include "core/ops/dropout_opencl.h"

#include "core/opencl/launch.h"

namespace splitleak::ops::opencl_impl {
namespace {

const char* kProgram = "dropout";
// keep: the same splitmix64 finaliser as dropout.cpp's mask_uniform, bit for bit.
const char* kSource = R"CLC(
__kernel void keep(ulong key, float p, __global float* mask, uint mask_off) {
  const uint i = get_global_id(0);
  ulong z = key + ((ulong)i + 1) * 0x9E3779B97F4A7C15UL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
  z ^= z >> 31;
  const float u = (float)(z >> 40) * (1.0f / 16777216.0f);
  mask[mask_off + i] = u >= p ? 1.0f : 0.0f;
}

__kernel void masked_scale(__global const float* x, uint x_off, __global const float* m, uint m_off, float scale,
                           __global float* y, uint y_off) {
  const uint i = get_global_id(0);
  y[y_off + i] = x[x_off + i] * m[m_off + i] * scale;
}

__kernel void masked_scale_add(__global const float* gy, uint gy_off, __global const float* m, uint m_off, float scale,
                               __global float* g, uint g_off) {
  const uint i = get_global_id(0);
  g[g_off + i] += gy[gy_off + i] * m[m_off + i] * scale;
}
)CLC";

}  // namespace

Tensor keep_mask(const Shape& shape, float p, uint64_t key, const Device& device) {
  Tensor mask = Tensor::empty(shape, device);
  opencl::Context& ctx = opencl::context_of(mask);
  opencl::launch(ctx, ctx.kernel(kProgram, kSource, "keep"), static_cast<size_t>(mask.numel()), static_cast<cl_ulong>(key),
                 p, mask);
  return mask;
}

Tensor masked_scale(const Tensor& x, const Tensor& mask, float scale) {
  Tensor y = Tensor::empty(x.shape(), x.device());
  opencl::Context& ctx = opencl::context_of(x);
  opencl::launch(ctx, ctx.kernel(kProgram, kSource, "masked_scale"), static_cast<size_t>(x.numel()), x, mask, scale, y);
  return y;
}

void masked_scale_backward(const Tensor& gy, const Tensor& mask, float scale, Tensor& g) {
  opencl::Context& ctx = opencl::context_of(gy);
  opencl::launch(ctx, ctx.kernel(kProgram, kSource, "masked_scale_add"), static_cast<size_t>(gy.numel()), gy, mask, scale, g);
}

}  // namespace splitleak::ops::opencl_impl
