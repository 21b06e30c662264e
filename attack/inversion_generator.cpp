#include "attack/inversion_generator.h"

#include "core/error.h"
#include "core/ops.h"

namespace splitleak::attack {

int64_t flat_projection_side(int64_t image_side) { return std::min<int64_t>((image_side + 7) / 8, 8); }

InversionGenerator::InversionGenerator(const InversionGeneratorOptions& o) : options(o) {
  check((o.feature_shape.size() == 3 || o.feature_shape.size() == 1) && o.image_shape.size() == 3,
        "inversion generator: features must be (C, h, w) or (D), images (C, H, W)");
  const int64_t h = o.feature_shape.size() == 3 ? o.feature_shape[1] : 1;
  const int64_t w = o.feature_shape.size() == 3 ? o.feature_shape[2] : 1;
  check(h <= o.image_shape[1] && w <= o.image_shape[2],
        "inversion generator: the feature map " + shape_str(o.feature_shape) + " is larger than the image");
  while (unet_size_ < std::max(o.image_shape[1], o.image_shape[2])) unet_size_ *= 2;
  Generator gen(o.seed);
  const bool bias = o.norm == NormKind::Instance;
  auto norm = [&](int64_t c) -> std::shared_ptr<nn::Module> {
    if (o.norm == NormKind::Batch) return std::make_shared<nn::BatchNorm2d>(c);
    return std::make_shared<nn::InstanceNorm2d>(c);
  };
  auto relu = [] { return std::make_shared<nn::Functional>("ReLU", [](const Tensor& x) { return ops::relu(x); }); };
  stem_ = register_module("stem", std::make_shared<nn::Sequential>());
  const int64_t stem = o.stem_channels, image_side = std::max(o.image_shape[1], o.image_shape[2]);
  int64_t side = std::max(h, w);
  if (o.feature_shape.size() == 1) {
    side = flat_projection_side(image_side);
    stem_->add(std::make_shared<nn::Linear>(o.feature_shape[0], stem * side * side, bias, gen));
    stem_->add(std::make_shared<nn::Functional>(
        "Unflatten", [stem, side](const Tensor& x) { return ops::reshape(x, {x.size(0), stem, side, side}); }));
  } else {
    stem_->add(std::make_shared<nn::Conv2d>(o.feature_shape[0], stem, 1, ops::Conv2dOptions{}, bias, gen));
  }
  stem_->add(norm(stem));
  stem_->add(relu());
  for (; side * 2 <= image_side; side *= 2) {
    stem_->add(std::make_shared<nn::ConvTranspose2d>(stem, stem, 4, ops::ConvTranspose2dOptions{{2, 2}, {1, 1}, {0, 0}, {1, 1}, 1},
                                                     bias, gen));
    stem_->add(norm(stem));
    stem_->add(relu());
  }
  int64_t downs = 0;
  while ((int64_t{1} << downs) < unet_size_) ++downs;
  unet_ = register_module("unet", std::make_shared<UnetGenerator>(UnetOptions{
                                      o.stem_channels, o.image_shape[0], downs, o.ngf, o.norm, o.dropout, gen.next_u64()}));
  init_pix2pix_weights(*stem_, gen);
}

// Returns the margins {top, left, bottom, right} that centre an H x W image in the U x U U-Net.
std::array<int64_t, 4> InversionGenerator::margins() const {
  const int64_t dh = unet_size_ - options.image_shape[1], dw = unet_size_ - options.image_shape[2];
  return {dh / 2, dw / 2, dh - dh / 2, dw - dw / 2};
}

Tensor InversionGenerator::stem(const Tensor& features) {
  Tensor x = features;
  x = stem_->forward(x);
  if (x.size(2) != options.image_shape[1] || x.size(3) != options.image_shape[2])
    x = ops::upsample_bilinear(x, options.image_shape[1], options.image_shape[2]);
  return x;
}

Tensor InversionGenerator::forward(const Tensor& features) {
  Shape want{features.defined() ? features.size(0) : 0};
  want.insert(want.end(), options.feature_shape.begin(), options.feature_shape.end());
  check(features.defined() && features.shape() == want,
        "inversion generator: features " + (features.defined() ? shape_str(features.shape()) : "none") +
            ", expected (N, " + shape_str(options.feature_shape) + ")");
  const std::array<int64_t, 4> m = margins();
  const bool padded = m != std::array<int64_t, 4>{0, 0, 0, 0};
  Tensor x = stem(features);
  if (padded) x = ops::pad2d(x, m);
  Tensor y = unet_->forward(x);
  return padded ? ops::crop2d(y, m) : y;
}

}  // namespace splitleak::attack
