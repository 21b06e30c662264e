#pragma once
// The generator of the inversion attackers: a stem that brings any feature map to the image's
// size H x W with stem_channels channels, then pix2pix's U-Net on it.
//   (C, h, w): a 1x1 projection, learned x2 up-sampling blocks while the side fits the image,
//              a bilinear resize for the remainder (none for an image-sized map).
//   (D):       a linear layer to stem_channels x s x s, s = ceil(image side / 8), at most
//              8 (DCGAN's projection), then the same up-sampling.
// The U-Net works at U, the smallest power of two >= max(32, H, W): the stem's map is
// zero-padded to U x U, centred, and the U-Net's output cropped back, so image-sized features
// stay aligned pixel for pixel with the image (no resampling on the way).
#include <array>
#include <memory>

#include "attack/pix2pix.h"

namespace splitleak::attack {

// The side s of the s x s map a flat feature vector is projected to: ceil(image side / 8)
// (DCGAN's projection), at most 8 (at 224² and D = 4096 a side of 28 would be 205 M weights in
// one layer).
int64_t flat_projection_side(int64_t image_side);

struct InversionGeneratorOptions {
  Shape feature_shape;  // (C, h, w) or (D)
  Shape image_shape;    // (C, H, W)
  int64_t ngf = 64, stem_channels = 64;
  NormKind norm = NormKind::Batch;
  bool dropout = true;
  uint64_t seed = 0;
};

class InversionGenerator : public nn::Module {
 public:
  explicit InversionGenerator(const InversionGeneratorOptions& options);
  // features (N, feature_shape...) -> images (N, C, H, W) in [0, 1].
  Tensor forward(const Tensor& features) override;
  int64_t unet_size() const { return unet_size_; }
  void reseed_dropout(uint64_t seed) { unet_->reseed_dropout(seed); }
  InversionGeneratorOptions options;

 private:
  // features -> (N, stem_channels, H, W).
  Tensor stem(const Tensor& features);
  std::array<int64_t, 4> margins() const;
  int64_t unet_size_ = 32;
  std::shared_ptr<nn::Sequential> stem_;
  std::shared_ptr<UnetGenerator> unet_;
};

}  // namespace splitleak::attack
