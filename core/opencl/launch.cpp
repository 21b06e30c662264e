#include "core/opencl/launch.h"

namespace splitleak::opencl {

Context& context_of(const Tensor& t) {
  check(t.on_device(), "a tensor on the CPU was passed to an OpenCL kernel");
  return *t.impl()->storage->device_buffer()->ctx;
}

const cl::Buffer& buffer_of(const Tensor& t) {
  check(t.on_device(), "a tensor on the CPU was passed to an OpenCL kernel");
  return t.impl()->storage->device_buffer()->buffer;
}

}  // namespace splitleak::opencl
