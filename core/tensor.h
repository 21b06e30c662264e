#pragma once
// Tensor: float32, row-major (NCHW for images), contiguous, ref-counted storage on one device: host
// memory (64-byte aligned) for `cpu`, an OpenCL buffer for `opencl:P:D` (core/device.h). A Tensor
// is a cheap handle; copies share storage. Views (slice, reshape, detach) share storage with an
// offset. Autograd state (requires_grad, grad, grad_fn) lives in the impl.
//
// A tensor lives on exactly one device and never moves by itself: to(device) is the only way
// between host and device (each copy counted, core/opencl/context.h: transfers()), so an op that
// has no kernel for a device fails loudly instead of round-tripping through the host.
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "core/device.h"

namespace splitleak {

namespace opencl {
struct DeviceBuffer;  // core/opencl/memory.h
}

using Shape = std::vector<int64_t>;

std::string shape_str(const Shape& shape);
// The element count; Error for a negative size or a count past int64.
int64_t shape_numel(const Shape& shape);
// Whether `shape` has exactly `count` elements (false for negative sizes or an overflowing count).
bool shape_holds(const Shape& shape, int64_t count);

// Owns `count` floats on one device. Never resized.
class Storage {
 public:
  explicit Storage(size_t count);              // aligned host memory
  Storage(size_t count, const Device& device);  // host memory for cpu, a device buffer otherwise
  ~Storage();
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;
  // Host memory. Throws Error when the storage is on an OpenCL device.
  float* data() {
    if (!data_) throw_on_device();
    return data_;
  }
  size_t size() const { return size_; }
  const Device& device() const { return device_; }
  // The OpenCL buffer of a device storage (null for the CPU).
  opencl::DeviceBuffer* device_buffer() const { return device_buffer_.get(); }

 private:
  [[noreturn]] void throw_on_device() const;
  float* data_ = nullptr;
  size_t size_;
  int64_t counted_bytes_ = 0;  // host bytes in live_tensor_bytes() (core/memory.h)
  Device device_;
  std::shared_ptr<opencl::DeviceBuffer> device_buffer_;
};

namespace autograd {
struct Node;
}

struct TensorImpl {
  std::shared_ptr<Storage> storage;
  size_t offset = 0;
  Shape shape;
  bool requires_grad = false;
  std::shared_ptr<TensorImpl> grad;              // accumulated gradient of a leaf
  std::shared_ptr<autograd::Node> grad_fn;       // producer of a non-leaf
};

class Tensor {
 public:
  Tensor() = default;
  explicit Tensor(std::shared_ptr<TensorImpl> impl) : impl_(std::move(impl)) {}

  // Uninitialised contents.
  static Tensor empty(const Shape& shape, const Device& device = Device{});
  static Tensor zeros(const Shape& shape, const Device& device = Device{});
  static Tensor ones(const Shape& shape, const Device& device = Device{});
  static Tensor full(const Shape& shape, float value, const Device& device = Device{});
  static Tensor from_vector(const Shape& shape, const std::vector<float>& values);  // on the CPU
  static Tensor scalar(float value) { return full({}, value); }

  bool defined() const { return impl_ != nullptr; }
  const Shape& shape() const { return impl_->shape; }
  int64_t dim() const { return static_cast<int64_t>(impl_->shape.size()); }
  int64_t size(int64_t d) const;  // negative d counts from the end
  int64_t numel() const { return shape_numel(impl_->shape); }
  // Host memory; throws Error for a tensor on an OpenCL device.
  float* data() { return impl_->storage->data() + impl_->offset; }
  const float* data() const { return impl_->storage->data() + impl_->offset; }
  // Where the storage lives; on_device(): not the CPU.
  const Device& device() const { return impl_->storage->device(); }
  bool on_device() const { return impl_->storage->device().opencl; }
  // Offset of the first element in the storage, in floats (device kernels index from it).
  size_t offset() const { return impl_->offset; }
  // A copy on `device` (this tensor itself when already there), differentiable: the gradient
  // flows back to this tensor's device. One counted transfer between host and device.
  Tensor to(const Device& device) const;
  // The value of a one-element tensor, and all values in order (a counted download for a tensor
  // on a device).
  float item() const;
  std::vector<float> to_vector() const;

  // View of rows [begin, end) along dim 0; shares storage, no autograd link.
  Tensor slice(int64_t begin, int64_t end) const;
  // Deep copy without autograd history.
  Tensor clone() const;
  // Same storage, cut from the graph.
  Tensor detach() const;
  // Same storage with another shape (same numel), no autograd link; ops::reshape is the
  // differentiable form.
  Tensor view(const Shape& shape) const;

  bool requires_grad() const { return impl_->requires_grad; }
  // Marks a leaf as needing a gradient. Returns *this.
  Tensor& set_requires_grad(bool value);
  bool is_leaf() const { return impl_->grad_fn == nullptr; }
  // The accumulated gradient (undefined until a backward reaches this leaf).
  Tensor grad() const;
  void zero_grad();  // drops the accumulated gradient
  // Replaces the accumulated gradient (shape checked), e.g. with one from autograd::grad.
  void set_grad(const Tensor& g);
  // Backward from a one-element tensor; gradients accumulate into leaves' grad().
  void backward() const;

  // Moves this tensor's values to `device` in place (one counted transfer unless already there):
  // every handle of this tensor sees the new storage, views taken before keep the old one. Its
  // gradient moves too. For module parameters and buffers (nn::Module::to).
  void move_to(const Device& device);

  void fill(float value);
  void copy_from(const Tensor& other);  // same numel; copies values

  TensorImpl* impl() const { return impl_.get(); }
  const std::shared_ptr<TensorImpl>& impl_ptr() const { return impl_; }
  bool same_storage(const Tensor& o) const { return impl_->storage == o.impl_->storage; }

 private:
  std::shared_ptr<TensorImpl> impl_;
};

// Throws Error unless t has exactly `expected` dims; `what` names the argument.
void check_dim(const Tensor& t, int64_t expected, const char* what);

}  // namespace splitleak
