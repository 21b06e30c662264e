#pragma once
// Internal to the conv ops: how images of a batch are spread over threads, and the bias term.
#include <cstdint>
#include <functional>
#include <vector>

namespace splitleak::ops::detail {

// Calls per_image(chunk, n, scratch) for every image n. With at least as many images as threads,
// images are spread over threads (each GEMM single-threaded, `scratch` a per-chunk buffer of
// scratch_floats); otherwise images run in order and each GEMM uses every thread. Returns the
// number of chunks (per-chunk partials are indexed 0..chunks-1).
int for_each_image(int64_t images, int64_t scratch_floats,
                   const std::function<void(int chunk, int64_t n, float* scratch)>& per_image);
int max_chunks(int64_t images);

// y[n][c][p] += bias[c] for an (N, C, P) block.
void add_bias(float* y, const float* bias, int64_t n, int64_t c, int64_t p);
// grad_bias[c] += sum over n, p of grad_y[n][c][p].
void accumulate_bias_grad(const float* grad_y, float* grad_bias, int64_t n, int64_t c, int64_t p);
// dst += sum of the `chunks` partial buffers of `count` floats, in chunk order.
void reduce_partials(const std::vector<std::vector<float>>& partials, int chunks, float* dst, int64_t count);

}  // namespace splitleak::ops::detail
