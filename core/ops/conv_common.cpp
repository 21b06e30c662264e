#include "core/ops/conv_common.h"

#include <algorithm>
#include <atomic>
#include <memory>

#include "core/parallel.h"

namespace splitleak::ops::detail {

namespace {
std::atomic<int64_t> conv_flops{0};
}  // namespace

void count_conv(int64_t macs) { conv_flops.fetch_add(2 * macs, std::memory_order_relaxed); }

int item_chunks(int64_t items) { return chunk_count(items); }

int for_each_item(int64_t items, int64_t scratch_floats, const std::function<void(int, int64_t, float*)>& per_item) {
  return parallel_chunks(items, [&](int chunk, int64_t begin, int64_t end) {
    // Uninitialised: every user assigns what it reads.
    const std::unique_ptr<float[]> scratch(new float[static_cast<size_t>(std::max<int64_t>(scratch_floats, 1))]);
    for (int64_t i = begin; i < end; ++i) per_item(chunk, i, scratch.get());
  });
}

void gather_images(const float* src, int64_t first, int64_t m, int64_t channels, int64_t p, float* dst) {
  for (int64_t c = 0; c < channels; ++c)
    for (int64_t i = 0; i < m; ++i)
      std::copy_n(src + ((first + i) * channels + c) * p, p, dst + c * m * p + i * p);
}

void scatter_images(const float* src, int64_t first, int64_t m, int64_t channels, int64_t p, float* dst,
                    bool accumulate) {
  for (int64_t c = 0; c < channels; ++c)
    for (int64_t i = 0; i < m; ++i) {
      const float* from = src + c * m * p + i * p;
      float* to = dst + ((first + i) * channels + c) * p;
      if (!accumulate) {
        std::copy_n(from, p, to);
      } else {
        for (int64_t q = 0; q < p; ++q) to[q] += from[q];
      }
    }
}

std::string shape_text(int64_t n, int64_t in_c, int64_t in_h, int64_t in_w, int64_t out_c, int64_t out_h, int64_t out_w,
                       const ConvGeometry& g) {
  const auto dims = [](int64_t c, int64_t h, int64_t w) {
    return std::to_string(c).append("x").append(std::to_string(h)).append("x").append(std::to_string(w));
  };
  return std::string("n").append(std::to_string(n)).append(" ").append(dims(in_c, in_h, in_w)).append("->")
      .append(dims(out_c, out_h, out_w)).append(" k").append(std::to_string(g.kh)).append("x")
      .append(std::to_string(g.kw)).append(" s").append(std::to_string(g.sh));
}

namespace {

// row[i] += b for i < len.
void add_to_row(float* __restrict row, int64_t len, float b) {
  for (int64_t i = 0; i < len; ++i) row[i] += b;
}

// row[i] = relu?(row[i] * a + b + res[i]) for i < len, res only when kResidual; __restrict and the
// coefficients in locals so the loop vectorises.
template <bool kResidual, bool kRelu>
void map_row(float* __restrict row, const float* __restrict res, int64_t len, float a, float b) {
  for (int64_t i = 0; i < len; ++i) {
    float v = row[i] * a + b;
    if constexpr (kResidual) v = v + res[i];
    if constexpr (kRelu) v = v > 0.0f ? v : 0.0f;
    row[i] = v;
  }
}

}  // namespace

void add_bias(float* y, const float* bias, int64_t n, int64_t c, int64_t p) {
  parallel_for(n * c, [&](int64_t s, int64_t e) {
    for (int64_t nc = s; nc < e; ++nc) add_to_row(y + nc * p, p, bias[nc % c]);
  });
}

void OutputMap::apply(float* y, int64_t channels, int64_t plane, int64_t n, int64_t c0, int64_t c1, int64_t p0,
                      int64_t len) const {
  for (int64_t c = c0; c < c1; ++c) {
    const int64_t offset = (n * channels + c) * plane + p0;
    float* row = y + offset;
    const float* res = residual ? residual + offset : nullptr;
    if (bias) add_to_row(row, len, bias[c]);
    if (res && relu) map_row<true, true>(row, res, len, scale[c], shift[c]);
    else if (res) map_row<true, false>(row, res, len, scale[c], shift[c]);
    else if (relu) map_row<false, true>(row, res, len, scale[c], shift[c]);
    else map_row<false, false>(row, res, len, scale[c], shift[c]);
  }
}

void OutputMap::apply_all(float* y, int64_t n, int64_t channels, int64_t plane) const {
  parallel_for(n * channels, [&](int64_t s, int64_t e) {
    for (int64_t nc = s; nc < e; ++nc) apply(y, channels, plane, nc / channels, nc % channels, nc % channels + 1, 0, plane);
  });
}

void accumulate_bias_grad(const float* grad_y, float* grad_bias, int64_t n, int64_t c, int64_t p) {
  parallel_for(c, [&](int64_t s, int64_t e) {
    for (int64_t ch = s; ch < e; ++ch) {
      double acc = 0.0;
      for (int64_t i = 0; i < n; ++i) {
        const float* row = grad_y + (i * c + ch) * p;
        float part = 0.0f;
        for (int64_t j = 0; j < p; ++j) part += row[j];
        acc += part;
      }
      grad_bias[ch] += static_cast<float>(acc);
    }
  });
}

ChunkSums::ChunkSums(int64_t items, float* dst, int64_t count)
    : chunks_(dst ? item_chunks(items) : 0), items_(items), dst_(dst), count_(count),
      partials_(chunks_ > 1 ? new float[static_cast<size_t>((chunks_ - 1) * count)] : nullptr) {}

void ChunkSums::finish() {
  if (chunks_ <= 1) return;
  parallel_for(count_, [&](int64_t s, int64_t e) {
    for (int c = 1; c < chunks_; ++c) {
      const float* part = of(c);
      for (int64_t i = s; i < e; ++i) dst_[i] += part[i];
    }
  });
}

}  // namespace splitleak::ops::detail

namespace splitleak::ops {
int64_t conv_flops_called() { return detail::conv_flops.load(std::memory_order_relaxed); }
}  // namespace splitleak::ops
