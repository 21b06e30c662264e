#include "core/ops/shape.h"

#include <cstring>

#include "core/autograd.h"
#include "core/error.h"
#include "core/ops/device_dispatch.h"
#include "core/ops/elementwise.h"
#include "core/ops/shape_opencl.h"

namespace splitleak::ops {

Tensor reshape(const Tensor& x, Shape shape) {
  int64_t known = 1, infer_at = -1;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == -1) {
      check(infer_at < 0, "reshape: only one dimension may be -1 in " + shape_str(shape));
      infer_at = static_cast<int64_t>(i);
    } else {
      check(shape[i] >= 0, "reshape: negative size in " + shape_str(shape));
      known *= shape[i];
    }
  }
  if (infer_at >= 0) {
    check(known > 0 && x.numel() % known == 0, "reshape: cannot infer -1 in " + shape_str(shape) + " for input " +
                                                   shape_str(x.shape()));
    shape[static_cast<size_t>(infer_at)] = x.numel() / known;
  }
  check(shape_numel(shape) == x.numel(), "reshape: input " + shape_str(x.shape()) + " has " +
                                             std::to_string(x.numel()) + " elements, target " + shape_str(shape) +
                                             " has " + std::to_string(shape_numel(shape)));
  Tensor y = x.view(shape);
  return autograd::record(y, {x}, "reshape", [](const Tensor& gy, std::span<Tensor> gi) { add_into(gi[0], gy); });
}

Tensor flatten(const Tensor& x, int64_t start_dim) {
  check(start_dim >= 0 && start_dim < std::max<int64_t>(x.dim(), 1),
        "flatten: start_dim " + std::to_string(start_dim) + " out of range for shape " + shape_str(x.shape()));
  Shape s(x.shape().begin(), x.shape().begin() + start_dim);
  s.push_back(-1);
  return reshape(x, s);
}

Tensor concat(const std::vector<Tensor>& xs, int64_t dim) {
  check(!xs.empty(), "concat: no inputs");
  const Shape& first = xs[0].shape();
  check(dim >= 0 && dim < static_cast<int64_t>(first.size()),
        "concat: dim " + std::to_string(dim) + " out of range for shape " + shape_str(first));
  Shape out_shape = first;
  out_shape[static_cast<size_t>(dim)] = 0;
  for (const Tensor& t : xs) {
    bool same = t.dim() == static_cast<int64_t>(first.size());
    for (size_t d = 0; same && d < first.size(); ++d) same = static_cast<int64_t>(d) == dim || t.shape()[d] == first[d];
    check(same, "concat: shape " + shape_str(t.shape()) + " does not match " + shape_str(first) + " outside dim " +
                    std::to_string(dim));
    out_shape[static_cast<size_t>(dim)] += t.size(dim);
  }
  for (const Tensor& t : xs) on_device("concat", {&xs[0], &t});
  int64_t outer = 1;
  for (int64_t d = 0; d < dim; ++d) outer *= first[static_cast<size_t>(d)];
  const int64_t out_block = shape_numel(out_shape) / std::max<int64_t>(outer, 1);
  Tensor y = Tensor::empty(out_shape, xs[0].device());
  std::vector<int64_t> blocks;  // elements of each input per outer index
  int64_t at = 0;
  for (const Tensor& t : xs) {
    const int64_t block = t.numel() / std::max<int64_t>(outer, 1);
    if (t.on_device()) opencl_impl::place_blocks(t, y, outer, block, out_block, at);
    else
      for (int64_t o = 0; o < outer; ++o)
        std::memcpy(y.data() + o * out_block + at, t.data() + o * block, static_cast<size_t>(block) * sizeof(float));
    blocks.push_back(block);
    at += block;
  }
  return autograd::record(y, xs, "concat", [outer, out_block, blocks](const Tensor& gy, std::span<Tensor> gi) {
    int64_t at = 0;
    for (size_t i = 0; i < gi.size(); ++i) {
      if (gi[i].defined() && gy.on_device()) {
        opencl_impl::gather_blocks_into(gi[i], gy, outer, blocks[i], out_block, at);
      } else if (gi[i].defined()) {
        float* g = gi[i].data();
        for (int64_t o = 0; o < outer; ++o)
          for (int64_t j = 0; j < blocks[i]; ++j) g[o * blocks[i] + j] += gy.data()[o * out_block + at + j];
      }
      at += blocks[i];
    }
  });
}

Tensor narrow(const Tensor& x, int64_t dim, int64_t start, int64_t length) {
  check(dim >= 0 && dim < x.dim(),
        "narrow: dim " + std::to_string(dim) + " out of range for shape " + shape_str(x.shape()));
  check(start >= 0 && length >= 0 && start + length <= x.size(dim),
        "narrow: [" + std::to_string(start) + ", " + std::to_string(start + length) + ") out of range for size " +
            std::to_string(x.size(dim)) + " of dim " + std::to_string(dim));
  on_device("narrow", {&x});
  Shape out_shape = x.shape();
  out_shape[static_cast<size_t>(dim)] = length;
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < dim; ++d) outer *= x.size(d);
  for (int64_t d = dim + 1; d < x.dim(); ++d) inner *= x.size(d);
  // Per outer index: x's block of in_block entries, the output's `block` of them starting at `at`.
  const int64_t in_block = x.size(dim) * inner, block = length * inner, at = start * inner;
  Tensor y;
  if (x.on_device()) {
    y = Tensor::zeros(out_shape, x.device());
    opencl_impl::gather_blocks_into(y, x, outer, block, in_block, at);
  } else {
    y = Tensor::empty(out_shape);
    for (int64_t o = 0; o < outer; ++o)
      std::memcpy(y.data() + o * block, x.data() + o * in_block + at, static_cast<size_t>(block) * sizeof(float));
  }
  return autograd::record(y, {x}, "narrow", [outer, block, in_block, at](const Tensor& gy, std::span<Tensor> gi) {
    if (gy.on_device()) return opencl_impl::add_blocks_into(gy, gi[0], outer, block, in_block, at);
    float* g = gi[0].data();
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t j = 0; j < block; ++j) g[o * in_block + at + j] += gy.data()[o * block + j];
  });
}

}  // namespace splitleak::ops
