#include "core/tensor.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <new>
#include <sstream>

#include "core/autograd.h"
#include "core/error.h"
#include "core/memory.h"
#include "core/ops/elementwise.h"
#include "core/opencl/memory.h"
#include "core/parallel.h"

namespace splitleak {

std::string shape_str(const Shape& shape) {
  std::ostringstream s;
  s << "[";
  for (size_t i = 0; i < shape.size(); ++i) s << (i ? ", " : "") << shape[i];
  s << "]";
  return s.str();
}

int64_t shape_numel(const Shape& shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    if (d < 0 || __builtin_mul_overflow(n, d, &n))
      throw Error("shape " + shape_str(shape) + ": " + (d < 0 ? "a negative size" : "more elements than can be counted"));
  return n;
}

bool shape_holds(const Shape& shape, int64_t count) {
  int64_t n = 1;
  for (int64_t d : shape)
    if (d < 0 || __builtin_mul_overflow(n, d, &n)) return false;
  return n == count;
}

Storage::Storage(size_t count) : size_(count) {
  const size_t bytes = ((count * sizeof(float) + 63) / 64) * 64;
  data_ = static_cast<float*>(std::aligned_alloc(64, bytes == 0 ? 64 : bytes));
  if (!data_) throw std::bad_alloc();
  counted_bytes_ = static_cast<int64_t>(count * sizeof(float));
  count_tensor_bytes(counted_bytes_);
}

Storage::Storage(size_t count, const Device& device) : Storage(device.opencl ? 0 : count) {
  if (!device.opencl) return;
  std::free(data_);
  data_ = nullptr;
  size_ = count;
  count_tensor_bytes(-counted_bytes_);
  counted_bytes_ = 0;
  device_ = device;
  device_buffer_ = opencl::allocate(device, count);
}

Storage::~Storage() {
  std::free(data_);
  count_tensor_bytes(-counted_bytes_);
}

void Storage::throw_on_device() const {
  throw Error("a tensor on " + device_.spec() +
              " was read on the host: the op reading it has no OpenCL kernel; copy it with to(cpu) first");
}

Tensor Tensor::empty(const Shape& shape, const Device& device) {
  for (int64_t d : shape) check(d >= 0, "tensor shape " + shape_str(shape) + " has a negative size");
  auto impl = std::make_shared<TensorImpl>();
  impl->shape = shape;
  const int64_t count = shape_numel(shape);
  check(count <= std::numeric_limits<int64_t>::max() / static_cast<int64_t>(sizeof(float)),
        "tensor shape " + shape_str(shape) + " has more elements than can be counted in bytes");
  if (!device.opencl) check_allocation(count * static_cast<int64_t>(sizeof(float)), "a tensor of shape " + shape_str(shape));
  impl->storage = std::make_shared<Storage>(static_cast<size_t>(count), device);
  return Tensor(std::move(impl));
}

Tensor Tensor::zeros(const Shape& shape, const Device& device) { return full(shape, 0.0f, device); }
Tensor Tensor::ones(const Shape& shape, const Device& device) { return full(shape, 1.0f, device); }

Tensor Tensor::full(const Shape& shape, float value, const Device& device) {
  Tensor t = empty(shape, device);
  t.fill(value);
  return t;
}

Tensor Tensor::to(const Device& device) const {
  if (device == this->device()) return *this;
  Tensor out = empty(shape(), device);
  const size_t n = static_cast<size_t>(numel());
  if (on_device() && device.opencl) opencl::copy(*impl_->storage->device_buffer(), offset(), *out.impl()->storage->device_buffer(), 0, n);
  else if (device.opencl) opencl::write(*out.impl()->storage->device_buffer(), 0, data(), n);
  else opencl::read(*impl_->storage->device_buffer(), offset(), out.data(), n);
  const Device from = this->device();
  return autograd::record(out, {*this}, "to", [from](const Tensor& go, std::span<Tensor> gi) {
    ops::add_into(gi[0], go.to(from));
  });
}

Tensor Tensor::from_vector(const Shape& shape, const std::vector<float>& values) {
  check(static_cast<int64_t>(values.size()) == shape_numel(shape),
        "from_vector: " + std::to_string(values.size()) + " values for shape " + shape_str(shape));
  Tensor t = empty(shape);
  if (!values.empty()) std::memcpy(t.data(), values.data(), values.size() * sizeof(float));
  return t;
}

int64_t Tensor::size(int64_t d) const {
  const int64_t n = dim();
  if (d < 0) d += n;
  check(d >= 0 && d < n, "dimension " + std::to_string(d) + " out of range for shape " + shape_str(shape()));
  return impl_->shape[static_cast<size_t>(d)];
}

void Tensor::move_to(const Device& device) {
  if (device == this->device()) return;
  const Tensor moved = detach().to(device);
  impl_->storage = moved.impl()->storage;
  impl_->offset = moved.impl()->offset;
  if (impl_->grad) Tensor(impl_->grad).move_to(device);
}

float Tensor::item() const {
  check(numel() == 1, "item() needs a one-element tensor, got shape " + shape_str(shape()));
  if (!on_device()) return data()[0];
  float value = 0.0f;
  opencl::read(*impl_->storage->device_buffer(), offset(), &value, 1);
  return value;
}

std::vector<float> Tensor::to_vector() const {
  if (!on_device()) return std::vector<float>(data(), data() + numel());
  std::vector<float> values(static_cast<size_t>(numel()));
  opencl::read(*impl_->storage->device_buffer(), offset(), values.data(), values.size());
  return values;
}

Tensor Tensor::slice(int64_t begin, int64_t end) const {
  check(dim() >= 1 && begin >= 0 && begin <= end && end <= size(0),
        "slice [" + std::to_string(begin) + ", " + std::to_string(end) + ") out of range for shape " +
            shape_str(shape()));
  auto impl = std::make_shared<TensorImpl>();
  impl->storage = impl_->storage;
  impl->shape = impl_->shape;
  impl->shape[0] = end - begin;
  impl->offset = impl_->offset + static_cast<size_t>(begin * (numel() / std::max<int64_t>(size(0), 1)));
  return Tensor(std::move(impl));
}

Tensor Tensor::clone() const {
  Tensor t = empty(shape(), device());
  t.copy_from(*this);
  return t;
}

Tensor Tensor::detach() const { return view(shape()); }

Tensor Tensor::view(const Shape& shape) const {
  check(shape_numel(shape) == numel(), "cannot view shape " + shape_str(this->shape()) + " as " + shape_str(shape));
  auto impl = std::make_shared<TensorImpl>();
  impl->storage = impl_->storage;
  impl->offset = impl_->offset;
  impl->shape = shape;
  return Tensor(std::move(impl));
}

Tensor& Tensor::set_requires_grad(bool value) {
  check(is_leaf(), "requires_grad can only be set on a leaf tensor");
  impl_->requires_grad = value;
  return *this;
}

Tensor Tensor::grad() const { return impl_->grad ? Tensor(impl_->grad) : Tensor(); }

void Tensor::zero_grad() { impl_->grad.reset(); }

void Tensor::set_grad(const Tensor& g) {
  check(!g.defined() || g.shape() == shape(), "set_grad: gradient " + (g.defined() ? shape_str(g.shape()) : "") +
                                                  " does not match tensor " + shape_str(shape()));
  impl_->grad = g.defined() ? g.impl_ptr() : nullptr;
}

void Tensor::backward() const { autograd::backward(*this); }

void Tensor::fill(float value) {
  if (on_device()) return opencl::fill(*impl_->storage->device_buffer(), offset(), static_cast<size_t>(numel()), value);
  float* p = data();
  parallel_for(numel(), [&](int64_t b, int64_t e) { std::fill(p + b, p + e, value); });
}

void Tensor::copy_from(const Tensor& other) {
  check(other.numel() == numel(), "copy_from: shape " + shape_str(other.shape()) + " into " + shape_str(shape()));
  check(other.device() == device(), "copy_from: a tensor on " + other.device().spec() + " into one on " +
                                        device().spec() + " (move it with to() first)");
  if (on_device())
    return opencl::copy(*other.impl()->storage->device_buffer(), other.offset(), *impl_->storage->device_buffer(),
                        offset(), static_cast<size_t>(numel()));
  if (!numel() || data() == other.data()) return;
  const float* src = other.data();
  float* dst = data();
  const bool overlap = dst < src + numel() && src < dst + numel();
  if (overlap) {
    std::memmove(dst, src, static_cast<size_t>(numel()) * sizeof(float));
    return;
  }
  parallel_for(numel(), [&](int64_t b, int64_t e) { std::memcpy(dst + b, src + b, static_cast<size_t>(e - b) * sizeof(float)); });
}

void check_dim(const Tensor& t, int64_t expected, const char* what) {
  check(t.defined(), std::string(what) + ": tensor is undefined");
  check(t.dim() == expected, std::string(what) + ": expected " + std::to_string(expected) + "-D tensor, got shape " +
                                 shape_str(t.shape()));
}

}  // namespace splitleak
