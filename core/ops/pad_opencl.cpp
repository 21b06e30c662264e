#include "core/ops/pad_opencl.h"

#include "core/opencl/launch.h"

namespace splitleak::ops::opencl_impl {
namespace {

const char* kProgram = "pad";
const char* kSource = R"CLC(
__kernel void pad(__global const float* x, uint x_off, __global float* y, uint y_off, int h, int w, int oh, int ow,
                  int top, int left, float value) {
  const int i = get_global_id(0), ox = i % ow, oy = (i / ow) % oh, p = i / (ow * oh);
  const int iy = oy - top, ix = ox - left;
  y[y_off + i] = iy >= 0 && iy < h && ix >= 0 && ix < w ? x[x_off + (p * h + iy) * w + ix] : value;
}

__kernel void pad_backward(__global const float* gy, uint gy_off, __global float* gx, uint gx_off, int h, int w, int oh,
                           int ow, int top, int left) {
  const int i = get_global_id(0), ix = i % w, iy = (i / w) % h, p = i / (w * h);
  gx[gx_off + i] += gy[gy_off + (p * oh + iy + top) * ow + ix + left];
}
)CLC";

cl::Kernel& kernel(const Tensor& t, const char* name) { return opencl::context_of(t).kernel(kProgram, kSource, name); }
cl_int i32(int64_t v) { return static_cast<cl_int>(v); }

}  // namespace

Tensor pad2d(const Tensor& x, const std::array<int64_t, 4>& pads, float value) {
  const int64_t oh = x.size(2) + pads[0] + pads[2], ow = x.size(3) + pads[1] + pads[3];
  Tensor y = Tensor::empty({x.size(0), x.size(1), oh, ow}, x.device());
  opencl::launch(opencl::context_of(x), kernel(x, "pad"), static_cast<size_t>(y.numel()), x, y, i32(x.size(2)),
                 i32(x.size(3)), i32(oh), i32(ow), i32(pads[0]), i32(pads[1]), value);
  return y;
}

void pad2d_backward(const Tensor& gy, const std::array<int64_t, 4>& pads, Tensor& gx) {
  opencl::launch(opencl::context_of(gy), kernel(gy, "pad_backward"), static_cast<size_t>(gx.numel()), gy, gx,
                 i32(gx.size(2)), i32(gx.size(3)), i32(gy.size(2)), i32(gy.size(3)), i32(pads[0]), i32(pads[1]));
}

}  // namespace splitleak::ops::opencl_impl
