#pragma once
// Launching the engine's kernels on tensors. A Tensor argument binds two kernel parameters, its
// buffer and its offset in floats (`__global float* x, uint x_off`); other arguments bind one and
// must match the kernel's C type exactly (cl_uint, cl_int, cl_float).
#include <string>

#include "core/error.h"
#include "core/opencl/context.h"
#include "core/tensor.h"

namespace splitleak::opencl {

// The context of a tensor's device (the tensor must be on one).
Context& context_of(const Tensor& t);
// The buffer of a tensor on a device.
const cl::Buffer& buffer_of(const Tensor& t);

// A tensor's buffer from `floats` past its first element: binds like a Tensor.
struct At {
  const Tensor& tensor;
  int64_t floats;
};

namespace detail {
inline void bind(cl::Kernel& k, cl_uint& index, const Tensor& t) {
  k.setArg(index++, buffer_of(t));
  k.setArg(index++, static_cast<cl_uint>(t.offset()));
}
inline void bind(cl::Kernel& k, cl_uint& index, const At& at) {
  k.setArg(index++, buffer_of(at.tensor));
  k.setArg(index++, static_cast<cl_uint>(at.tensor.offset() + static_cast<size_t>(at.floats)));
}
template <typename T>
void bind(cl::Kernel& k, cl_uint& index, const T& value) {
  k.setArg(index++, value);
}
}  // namespace detail

// Enqueues kernel(args...) over `global` work items in work groups of `local` items (global
// rounded up to a multiple of it), or of the runtime's choice when local is 0.
template <typename... Args>
void launch_groups(Context& ctx, cl::Kernel& kernel, size_t global, size_t local, const Args&... args) {
  if (global == 0) return;
  cl_uint index = 0;
  (detail::bind(kernel, index, args), ...);
  const size_t rounded = local ? (global + local - 1) / local * local : global;
  try {
    ctx.queue.enqueueNDRangeKernel(kernel, cl::NullRange, cl::NDRange(rounded), local ? cl::NDRange(local) : cl::NullRange);
  } catch (const cl::Error& e) {
    throw Error("device " + ctx.where.spec() + ": kernel " + kernel.getInfo<CL_KERNEL_FUNCTION_NAME>() + ": " + describe(e),
                Error::Kind::Failure);
  }
}

// launch_groups with the runtime's group size.
template <typename... Args>
void launch(Context& ctx, cl::Kernel& kernel, size_t global, const Args&... args) {
  launch_groups(ctx, kernel, global, 0, args...);
}

}  // namespace splitleak::opencl
