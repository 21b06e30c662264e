#include "core/opencl/memory.h"

#include <algorithm>

#include "core/error.h"
#include "core/opencl/context.h"

namespace splitleak::opencl {
namespace {

// OpenCL refuses zero-sized buffers: an empty one holds one float.
size_t bytes_for(size_t floats) { return std::max<size_t>(floats, 1) * sizeof(float); }

std::string mib(size_t bytes) { return std::to_string((bytes + (1 << 20) - 1) >> 20) + " MiB"; }

// Throws Error unless `bytes` more fit on ctx's device.
void check_fits(const Context& ctx, size_t bytes) {
  const size_t largest = ctx.device.getInfo<CL_DEVICE_MAX_MEM_ALLOC_SIZE>();
  const size_t total = ctx.device.getInfo<CL_DEVICE_GLOBAL_MEM_SIZE>();
  const std::string where = "device " + ctx.where.spec() + " (" + ctx.device_name + ")";
  check(bytes <= largest, where + ": a tensor of " + mib(bytes) + " exceeds the largest buffer it allocates (" +
                              mib(largest) + ")");
  const size_t used = ctx.bytes_in_use.load();
  check(used + bytes <= total, where + ": device memory exhausted: " + mib(bytes) + " more on top of " + mib(used) +
                                   " in use exceeds its " + mib(total));
}

}  // namespace

DeviceBuffer::DeviceBuffer(std::shared_ptr<Context> context, size_t count) : ctx(std::move(context)), floats(count) {
  const size_t bytes = bytes_for(floats);
  check_fits(*ctx, bytes);
  try {
    buffer = cl::Buffer(ctx->context, CL_MEM_READ_WRITE, bytes);
  } catch (const cl::Error& e) {
    throw Error("device " + ctx->where.spec() + ": allocating " + mib(bytes) + ": " + describe(e));
  }
  ctx->bytes_in_use += bytes;
}

DeviceBuffer::~DeviceBuffer() { ctx->bytes_in_use -= bytes_for(floats); }

std::shared_ptr<DeviceBuffer> allocate(const Device& device, size_t floats) {
  return std::make_shared<DeviceBuffer>(context(device), floats);
}

void fill(DeviceBuffer& b, size_t offset, size_t count, float value) {
  if (count == 0) return;
  b.ctx->queue.enqueueFillBuffer(b.buffer, value, offset * sizeof(float), count * sizeof(float));
}

void copy(const DeviceBuffer& from, size_t from_offset, DeviceBuffer& to, size_t to_offset, size_t count) {
  check(from.ctx == to.ctx, "copy between tensors on " + from.ctx->where.spec() + " and " + to.ctx->where.spec() +
                                ": move one with to() first");
  if (count == 0 || (&from == &to && from_offset == to_offset)) return;
  to.ctx->queue.enqueueCopyBuffer(from.buffer, to.buffer, from_offset * sizeof(float), to_offset * sizeof(float),
                                  count * sizeof(float));
}

void write(DeviceBuffer& to, size_t offset, const float* from, size_t count) {
  if (count == 0) return;
  cl::Event done;
  upload(*to.ctx, to.buffer, from, count * sizeof(float), &done, offset * sizeof(float));
  done.wait();
}

void read(const DeviceBuffer& from, size_t offset, float* to, size_t count) {
  if (count == 0) return;
  cl::Event done;
  download(*from.ctx, from.buffer, to, count * sizeof(float), &done, offset * sizeof(float));
  done.wait();
}

void synchronize(const Device& device) { context(device)->queue.finish(); }

size_t bytes_in_use(const Device& device) { return context(device)->bytes_in_use.load(); }

}  // namespace splitleak::opencl
