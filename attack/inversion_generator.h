#pragma once
// The generator of the inversion attackers: a stem that brings any feature map (C, h, w) — h
// from 1 (fully connected features, (D) reshaped to (D, 1, 1)) to the image's own size — to the
// U-Net's working size U (a 1x1 projection, then learned x2 up-sampling blocks, then a bilinear
// resize for the remainder), then pix2pix's U-Net at U, then a bilinear resize to the image size.
// U is the smallest power of two >= max(32, H, W).
#include <memory>

#include "attack/pix2pix.h"

namespace splitleak::attack {

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
  // The stem's output resized to the image size: the discriminator's condition.
  Tensor project(const Tensor& features);
  int64_t unet_size() const { return unet_size_; }
  void reseed_dropout(uint64_t seed) { unet_->reseed_dropout(seed); }
  InversionGeneratorOptions options;

 private:
  Tensor stem(const Tensor& features);
  int64_t unet_size_ = 32;
  std::shared_ptr<nn::Sequential> stem_;
  std::shared_ptr<UnetGenerator> unet_;
};

}  // namespace splitleak::attack
