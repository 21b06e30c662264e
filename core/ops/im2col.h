#pragma once
// Patch unrolling shared by conv2d (forward, weight gradient) and conv_transpose2d (its
// forward is conv2d's input gradient). Geometry is that of a convolution reading an image of
// `channels x height x width` and producing `out_h x out_w`.
#include <cstdint>

namespace splitleak::ops {

struct ConvGeometry {
  int64_t channels, height, width;
  int64_t kh, kw, sh, sw, ph, pw, dh, dw;
  int64_t out_h, out_w;
  int64_t rows() const { return channels * kh * kw; }  // K of the GEMM
  int64_t cols() const { return out_h * out_w; }       // P of the GEMM
};

// Output rows [oy_begin, oy_end) form a tile of T = (oy_end - oy_begin) * out_w columns:
// col[(c*kh + i)*kw + j][(oy - oy_begin)*out_w + ox] = image[c][oy*sh - ph + i*dh][ox*sw - pw + j*dw],
// or 0 in the padding. Assigns every element of col (rows() x T, row stride ld; 0: T).
void im2col(const float* image, const ConvGeometry& g, float* col, int64_t oy_begin, int64_t oy_end, int64_t ld = 0);

// The adjoint over the same tile: image[c][iy][ix] += col[...] for every col entry that im2col
// would read from (c, iy, ix). Accumulates into image. ld as for im2col.
void col2im_add(const float* col, const ConvGeometry& g, float* image, int64_t oy_begin, int64_t oy_end,
                int64_t ld = 0);

// The whole output of m images side by side (an ImageBlocks block): for image i (at
// images + i * image_stride), im2col into columns [i*P, (i+1)*P) of col (rows() x m*P), P =
// cols(). Assigns col. Threads split the channels (rows), never the images, whose columns share
// cache lines when P is small.
void im2col_images(const float* images, int64_t image_stride, int64_t m, const ConvGeometry& g, float* col);
// Its adjoint: col2im_add of each image's columns into its image. Accumulates into images.
void col2im_add_images(const float* col, int64_t m, const ConvGeometry& g, float* images, int64_t image_stride);

// Output rows per tile so that a column tile stays cache-sized (at least one row).
int64_t tile_rows(const ConvGeometry& g);

}  // namespace splitleak::ops
