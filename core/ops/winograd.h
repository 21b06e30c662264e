#pragma once
// Winograd F(2x2, 3x3) convolution (Lavin & Gray 2016): 3x3, stride 1, dilation 1, one group.
// Each 2x2 output tile costs 16 multiplications per channel pair instead of 36; the products
// are 16 GEMMs (one per transform point) over tiles of the whole batch.
#include <cstdint>

namespace splitleak::ops::detail {

struct OutputMap;

// True where the Winograd path is used: 3x3, stride 1, dilation 1, one group, at least 64 input
// and output channels (below that the transforms outweigh the saved products), and at least 128
// output tiles over the batch (below that the filter transform, redone per call, and GEMMs too
// narrow to share between threads cost more than they save).
bool winograd_applicable(int64_t kh, int64_t kw, int64_t sh, int64_t sw, int64_t dh, int64_t dw, int64_t groups,
                         int64_t cin, int64_t cout, int64_t tiles);

// y (n, cout, oh, ow) = correlate(x (n, cin, h, w), weight (cout, cin, 3, 3)) with zero padding
// (ph, pw), plus beta * y (beta == 0 assigns); then `map`, when given, applied to each output row
// segment as it is written.
void winograd_conv3x3(const float* x, const float* weight, int64_t n, int64_t cin, int64_t h, int64_t w, int64_t cout,
                      int64_t ph, int64_t pw, int64_t oh, int64_t ow, float* y, float beta,
                      const OutputMap* map = nullptr);

}  // namespace splitleak::ops::detail
