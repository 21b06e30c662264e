#pragma once
// Tensor: float32, row-major (NCHW for images), contiguous, 64-byte aligned, ref-counted storage.
// A Tensor is a cheap handle; copies share storage. Views (slice, reshape, detach) share storage
// with an offset. Autograd state (requires_grad, grad, grad_fn) lives in the impl.
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

namespace splitleak {

using Shape = std::vector<int64_t>;

std::string shape_str(const Shape& shape);
int64_t shape_numel(const Shape& shape);

// Owns an aligned float buffer. Never resized.
class Storage {
 public:
  explicit Storage(size_t count);
  ~Storage();
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;
  float* data() { return data_; }
  size_t size() const { return size_; }

 private:
  float* data_;
  size_t size_;
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
  static Tensor empty(const Shape& shape);
  static Tensor zeros(const Shape& shape);
  static Tensor ones(const Shape& shape);
  static Tensor full(const Shape& shape, float value);
  static Tensor from_vector(const Shape& shape, const std::vector<float>& values);
  static Tensor scalar(float value) { return full({}, value); }

  bool defined() const { return impl_ != nullptr; }
  const Shape& shape() const { return impl_->shape; }
  int64_t dim() const { return static_cast<int64_t>(impl_->shape.size()); }
  int64_t size(int64_t d) const;  // negative d counts from the end
  int64_t numel() const { return shape_numel(impl_->shape); }
  float* data() { return impl_->storage->data() + impl_->offset; }
  const float* data() const { return impl_->storage->data() + impl_->offset; }
  float item() const;  // the value of a one-element tensor
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
