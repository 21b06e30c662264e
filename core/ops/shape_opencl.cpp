#include "core/ops/shape_opencl.h"

#include "core/opencl/launch.h"

namespace splitleak::ops::opencl_impl {
namespace {

const char* kProgram = "shape";
const char* kSource = R"CLC(
__kernel void place_blocks(__global const float* x, uint x_off, __global float* out, uint out_off, uint block,
                           uint out_block, uint at) {
  const uint i = get_global_id(0), o = i / block, j = i % block;
  out[out_off + o * out_block + at + j] = x[x_off + i];
}

__kernel void add_blocks(__global const float* x, uint x_off, __global float* out, uint out_off, uint block,
                         uint out_block, uint at) {
  const uint i = get_global_id(0), o = i / block, j = i % block;
  out[out_off + o * out_block + at + j] += x[x_off + i];
}

__kernel void gather_blocks(__global float* g, uint g_off, __global const float* gy, uint gy_off, uint block,
                            uint out_block, uint at) {
  const uint i = get_global_id(0), o = i / block, j = i % block;
  g[g_off + i] += gy[gy_off + o * out_block + at + j];
}
)CLC";

}  // namespace

void place_blocks(const Tensor& x, Tensor& out, int64_t outer, int64_t block, int64_t out_block, int64_t at) {
  opencl::Context& ctx = opencl::context_of(x);
  opencl::launch(ctx, ctx.kernel(kProgram, kSource, "place_blocks"), static_cast<size_t>(outer * block), x, out,
                 static_cast<cl_uint>(block), static_cast<cl_uint>(out_block), static_cast<cl_uint>(at));
}

void gather_blocks_into(Tensor& g, const Tensor& gy, int64_t outer, int64_t block, int64_t out_block, int64_t at) {
  opencl::Context& ctx = opencl::context_of(g);
  opencl::launch(ctx, ctx.kernel(kProgram, kSource, "gather_blocks"), static_cast<size_t>(outer * block), g, gy,
                 static_cast<cl_uint>(block), static_cast<cl_uint>(out_block), static_cast<cl_uint>(at));
}

void add_blocks_into(const Tensor& x, Tensor& out, int64_t outer, int64_t block, int64_t out_block, int64_t at) {
  opencl::Context& ctx = opencl::context_of(x);
  opencl::launch(ctx, ctx.kernel(kProgram, kSource, "add_blocks"), static_cast<size_t>(outer * block), x, out,
                 static_cast<cl_uint>(block), static_cast<cl_uint>(out_block), static_cast<cl_uint>(at));
}

}  // namespace splitleak::ops::opencl_impl
