#include "core/ops/elementwise.h"

#include <array>

#include "core/autograd.h"
#include "core/error.h"
#include "core/ops/device_dispatch.h"
#include "core/ops/elementwise_opencl.h"
#include "core/parallel.h"

namespace splitleak::ops {
namespace {

using Dims4 = std::array<int64_t, 4>;

Dims4 right_aligned(const Shape& s) {
  check(s.size() <= 4, "broadcasting supports up to 4-D tensors, got shape " + shape_str(s));
  Dims4 d{1, 1, 1, 1};
  for (size_t i = 0; i < s.size(); ++i) d[4 - s.size() + i] = s[i];
  return d;
}

// Strides of a (right-aligned) shape read under the broadcast to `out`: 0 on broadcast dims.
Dims4 broadcast_strides(const Shape& s, const Dims4& out) {
  Dims4 d = right_aligned(s), st{};
  int64_t stride = 1;
  for (int i = 3; i >= 0; --i) {
    st[i] = (d[i] == out[i]) ? stride : 0;
    stride *= d[i];
  }
  return st;
}

using opencl_impl::Binary;

// out[i] = f(a[ia], b[ib]) over the broadcast index space; `op` is f on an OpenCL device.
template <typename F>
Tensor broadcast_binary(const Tensor& a, const Tensor& b, Binary op, F f) {
  const Shape out_shape = broadcast_shape(a.shape(), b.shape());
  static const char* const names[] = {"add", "sub", "mul"};
  if (on_device(names[static_cast<unsigned>(op)], {&a, &b})) return opencl_impl::broadcast_binary(a, b, out_shape, op);
  Tensor out = Tensor::empty(out_shape);
  const float* pa = a.data();
  const float* pb = b.data();
  float* po = out.data();
  if (a.shape() == b.shape()) {
    parallel_for(out.numel(), [&](int64_t s, int64_t e) {
      for (int64_t i = s; i < e; ++i) po[i] = f(pa[i], pb[i]);
    });
    return out;
  }
  const Dims4 od = right_aligned(out_shape);
  const Dims4 sa = broadcast_strides(a.shape(), od), sb = broadcast_strides(b.shape(), od);
  parallel_for(od[0] * od[1], [&](int64_t s, int64_t e) {
    for (int64_t nc = s; nc < e; ++nc) {
      const int64_t n = nc / od[1], c = nc % od[1];
      float* o = po + nc * od[2] * od[3];
      for (int64_t h = 0; h < od[2]; ++h)
        for (int64_t w = 0; w < od[3]; ++w) {
          const int64_t ia = n * sa[0] + c * sa[1] + h * sa[2] + w * sa[3];
          const int64_t ib = n * sb[0] + c * sb[1] + h * sb[2] + w * sb[3];
          o[h * od[3] + w] = f(pa[ia], pb[ib]);
        }
    }
  });
  return out;
}

}  // namespace

Shape broadcast_shape(const Shape& a, const Shape& b) {
  const size_t rank = std::max(a.size(), b.size());
  Shape out(rank, 1);
  for (size_t i = 0; i < rank; ++i) {
    const int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    const int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    check(da == db || da == 1 || db == 1, "shapes " + shape_str(a) + " and " + shape_str(b) + " do not broadcast");
    out[i] = da == 1 ? db : da;
  }
  return out;
}

void add_into(Tensor& acc, const Tensor& g) {
  check(acc.numel() == g.numel(), "add_into: " + shape_str(g.shape()) + " into " + shape_str(acc.shape()));
  if (on_device("add_into", {&acc, &g})) return opencl_impl::add_scaled_into(acc, g, 1.0f);
  float* pa = acc.data();
  const float* pg = g.data();
  parallel_for(acc.numel(), [&](int64_t s, int64_t e) {
    for (int64_t i = s; i < e; ++i) pa[i] += pg[i];
  });
}

void reduce_broadcast_into(Tensor& acc, const Tensor& g) {
  if (acc.shape() == g.shape()) return add_into(acc, g);
  if (on_device("reduce_broadcast_into", {&acc, &g})) return opencl_impl::reduce_broadcast_into(acc, g);
  const Dims4 gd = right_aligned(g.shape());
  const Dims4 st = broadcast_strides(acc.shape(), gd);
  float* pa = acc.data();
  const float* pg = g.data();
  // Serial: several output elements fold into one accumulator slot.
  int64_t i = 0;
  for (int64_t n = 0; n < gd[0]; ++n)
    for (int64_t c = 0; c < gd[1]; ++c)
      for (int64_t h = 0; h < gd[2]; ++h)
        for (int64_t w = 0; w < gd[3]; ++w) pa[n * st[0] + c * st[1] + h * st[2] + w * st[3]] += pg[i++];
}

Tensor add(const Tensor& a, const Tensor& b) {
  Tensor out = broadcast_binary(a, b, Binary::add, [](float x, float y) { return x + y; });
  return autograd::record(out, {a, b}, "add", [](const Tensor& go, std::span<Tensor> gi) {
    if (gi[0].defined()) reduce_broadcast_into(gi[0], go);
    if (gi[1].defined()) reduce_broadcast_into(gi[1], go);
  });
}

Tensor sub(const Tensor& a, const Tensor& b) {
  Tensor out = broadcast_binary(a, b, Binary::sub, [](float x, float y) { return x - y; });
  return autograd::record(out, {a, b}, "sub", [](const Tensor& go, std::span<Tensor> gi) {
    if (gi[0].defined()) reduce_broadcast_into(gi[0], go);
    if (gi[1].defined()) reduce_broadcast_into(gi[1], affine_scalar(go, -1.0f, 0.0f));
  });
}

Tensor mul(const Tensor& a, const Tensor& b) {
  Tensor out = broadcast_binary(a, b, Binary::mul, [](float x, float y) { return x * y; });
  return autograd::record(out, {a, b}, "mul", [a, b](const Tensor& go, std::span<Tensor> gi) {
    if (gi[0].defined()) reduce_broadcast_into(gi[0], broadcast_binary(go, b, Binary::mul, [](float g, float y) { return g * y; }));
    if (gi[1].defined()) reduce_broadcast_into(gi[1], broadcast_binary(go, a, Binary::mul, [](float g, float x) { return g * x; }));
  });
}

Tensor affine_scalar(const Tensor& x, float s, float t) {
  Tensor out = on_device("affine_scalar", {&x}) ? opencl_impl::affine_scalar(x, s, t) : Tensor::empty(x.shape());
  if (!x.on_device()) {
    const float* px = x.data();
    float* po = out.data();
    parallel_for(x.numel(), [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) po[i] = px[i] * s + t;
    });
  }
  return autograd::record(out, {x}, "affine_scalar", [s](const Tensor& go, std::span<Tensor> gi) {
    if (go.on_device()) return opencl_impl::add_scaled_into(gi[0], go, s);
    float* pg = gi[0].data();
    const float* pgo = go.data();
    parallel_for(go.numel(), [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) pg[i] += s * pgo[i];
    });
  });
}

}  // namespace splitleak::ops
