#pragma once
// The benchmark shapes, shared with bench/torch_conv.py (which lists the same numbers).
#include <cstdint>

namespace splitleak::bench {

struct ConvShape {
  const char* name;
  int64_t batch, in_channels, out_channels, size, kernel, stride, padding;
  bool transposed;  // size is the input size; a transposed conv's output is larger
};

inline constexpr ConvShape kConvShapes[] = {
    // VGG-16 blocks 1 and 3 (3x3, padding 1).
    {"vgg_conv1_64x112", 8, 64, 64, 112, 3, 1, 1, false},
    {"vgg_conv3_256x56", 8, 256, 256, 56, 3, 1, 1, false},
    // pix2pix U-Net decoder blocks (4x4, stride 2, padding 1; input channels include the skip).
    {"unet_up_512to128_16", 8, 512, 128, 16, 4, 2, 1, true},
    {"unet_up_256to64_32", 8, 256, 64, 32, 4, 2, 1, true},
    {"unet_up_128to3_128", 2, 128, 3, 128, 4, 2, 1, true},
};

// Multiply-adds x 2 of one forward pass.
inline double conv_flops(const ConvShape& s) {
  const int64_t out = s.transposed ? (s.size - 1) * s.stride - 2 * s.padding + s.kernel
                                   : (s.size + 2 * s.padding - s.kernel) / s.stride + 1;
  // A transposed conv does the work of the conv from its output to its input.
  const int64_t pixels = s.transposed ? s.size * s.size : out * out;
  return 2.0 * s.batch * s.in_channels * s.out_channels * s.kernel * s.kernel * pixels;
}

}  // namespace splitleak::bench
