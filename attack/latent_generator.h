#pragma once
// The image prior of `gan_prior`: DCGAN's generator (Radford et al. 2016) for any image size.
//   head:  z (N, latent_dim) -> linear -> (N, c0, h0, w0) -> batch norm -> ReLU
//   tail:  k blocks of 4x4 stride-2 transposed conv -> batch norm -> ReLU (channels halved, at
//          least ngf), then a 3x3 conv to the image's channels, tanh, rescaled to [0, 1], and
//          centre-cropped to H x W.
// k is the number of halvings that bring the longer side to at most 8; h0 = ceil(H / 2^k),
// w0 = ceil(W / 2^k); c0 = ngf * 2^k, at most 8 * ngf. The head's output is "the first block's
// output" a latent search may optimise directly.
#include <memory>

#include "core/nn/layers.h"

namespace splitleak::attack {

struct LatentGeneratorOptions {
  Shape image_shape;  // (C, H, W)
  int64_t latent_dim = 100, ngf = 64;
  uint64_t seed = 0;
};

// Latent vectors: a tensor of `shape` drawn from N(0, 1) with Generator(seed), on `device`.
Tensor standard_normal(const Shape& shape, uint64_t seed, const Device& device = Device{});

class LatentGenerator : public nn::Module {
 public:
  explicit LatentGenerator(const LatentGeneratorOptions& options);
  // z (N, latent_dim) -> images (N, C, H, W) in [0, 1]: tail(head(z)).
  Tensor forward(const Tensor& z) override;
  // z (N, latent_dim) -> (N, c0, h0, w0).
  Tensor head(const Tensor& z);
  // (N, c0, h0, w0) -> images (N, C, H, W) in [0, 1].
  Tensor tail(const Tensor& h);
  Shape head_shape() const { return head_shape_; }  // (c0, h0, w0)
  LatentGeneratorOptions options;

 private:
  Shape head_shape_;
  std::shared_ptr<nn::Sequential> head_, tail_;
};

}  // namespace splitleak::attack
