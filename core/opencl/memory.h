#pragma once
// Device memory behind a Tensor's Storage (core/tensor.h), without the OpenCL headers: tensors,
// autograd and CPU ops see only this. A DeviceBuffer is a cl::Buffer of `floats` floats on one
// device's context (defined in core/opencl/context.h). Every host<->device copy here is counted
// (core/opencl/context.h: transfers()) and blocking; device-side fills and copies are enqueued.
#include <cstddef>
#include <memory>

#include "core/device.h"

namespace splitleak::opencl {

struct DeviceBuffer;

// A buffer of `floats` floats on `device` (contents undefined). Throws Error (BadInput) naming the
// device when the request exceeds its largest allocation or its memory left to splitleak.
std::shared_ptr<DeviceBuffer> allocate(const Device& device, size_t floats);
// buffer[offset, offset + count) = value.
void fill(DeviceBuffer& buffer, size_t offset, size_t count, float value);
// to[to_offset + i] = from[from_offset + i] for i < count; both on one device; ranges may not
// overlap unless identical.
void copy(const DeviceBuffer& from, size_t from_offset, DeviceBuffer& to, size_t to_offset, size_t count);
// Host -> device (one counted upload) and device -> host (one counted download), blocking.
void write(DeviceBuffer& to, size_t offset, const float* from, size_t count);
void read(const DeviceBuffer& from, size_t offset, float* to, size_t count);
// Waits until everything enqueued on `device` has finished.
void synchronize(const Device& device);
// Bytes held by live DeviceBuffers on `device`.
size_t bytes_in_use(const Device& device);

}  // namespace splitleak::opencl
