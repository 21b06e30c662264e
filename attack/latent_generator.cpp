#include "attack/latent_generator.h"

#include "attack/pix2pix.h"
#include "core/error.h"
#include "core/ops.h"

namespace splitleak::attack {
namespace {

std::shared_ptr<nn::Functional> relu() {
  return std::make_shared<nn::Functional>("ReLU", [](const Tensor& x) { return ops::relu(x); });
}

}  // namespace

Tensor standard_normal(const Shape& shape, uint64_t seed, const Device& device) {
  Tensor t = Tensor::empty(shape);
  Generator gen(seed);
  init::normal_(t, 0.0f, 1.0f, gen);
  return t.to(device);
}

LatentGenerator::LatentGenerator(const LatentGeneratorOptions& o) : options(o) {
  check(o.image_shape.size() == 3 && o.image_shape[0] >= 1 && o.image_shape[1] >= 1 && o.image_shape[2] >= 1,
        "latent generator: images must be (C, H, W), got " + shape_str(o.image_shape));
  check(o.latent_dim >= 1 && o.ngf >= 1, "latent generator: latent_dim and ngf must be positive");
  const int64_t height = o.image_shape[1], width = o.image_shape[2];
  int64_t blocks = 0;
  while ((std::max(height, width) + (int64_t{1} << blocks) - 1) >> blocks > 8) ++blocks;
  const int64_t h0 = (height + (int64_t{1} << blocks) - 1) >> blocks, w0 = (width + (int64_t{1} << blocks) - 1) >> blocks;
  int64_t channels = o.ngf * std::min<int64_t>(int64_t{1} << blocks, 8);
  head_shape_ = {channels, h0, w0};
  Generator gen(o.seed);
  head_ = register_module("head", std::make_shared<nn::Sequential>());
  head_->add(std::make_shared<nn::Linear>(o.latent_dim, channels * h0 * w0, false, gen));
  head_->add(std::make_shared<nn::Functional>(
      "Unflatten", [channels, h0, w0](const Tensor& x) { return ops::reshape(x, {x.size(0), channels, h0, w0}); }));
  head_->add(std::make_shared<nn::BatchNorm2d>(channels));
  head_->add(relu());
  tail_ = register_module("tail", std::make_shared<nn::Sequential>());
  const ops::ConvTranspose2dOptions up{{2, 2}, {1, 1}, {0, 0}, {1, 1}, 1};
  for (int64_t b = 0; b < blocks; ++b) {
    const int64_t next = std::max(channels / 2, o.ngf);
    tail_->add(std::make_shared<nn::ConvTranspose2d>(channels, next, 4, up, false, gen));
    tail_->add(std::make_shared<nn::BatchNorm2d>(next));
    tail_->add(relu());
    channels = next;
  }
  tail_->add(std::make_shared<nn::Conv2d>(channels, o.image_shape[0], 3, ops::Conv2dOptions{{1, 1}, {1, 1}, {1, 1}, 1},
                                          true, gen));
  tail_->add(std::make_shared<nn::Functional>("Tanh", [](const Tensor& x) { return ops::tanh(x); }));
  init_pix2pix_weights(*this, gen);  // DCGAN's init: N(0, 0.02), batch-norm scales N(1, 0.02)
}

Tensor LatentGenerator::head(const Tensor& z) {
  check(z.defined() && z.dim() == 2 && z.size(1) == options.latent_dim,
        "latent generator: z " + (z.defined() ? shape_str(z.shape()) : "none") + ", expected (N, " +
            std::to_string(options.latent_dim) + ")");
  return head_->forward(z);
}

Tensor LatentGenerator::tail(const Tensor& h) {
  check(h.dim() == 4 && Shape(h.shape().begin() + 1, h.shape().end()) == head_shape_,
        "latent generator: first block " + shape_str(h.shape()) + ", expected (N, " + shape_str(head_shape_) + ")");
  Tensor y = ops::affine_scalar(tail_->forward(h), 0.5f, 0.5f);
  const int64_t dh = y.size(2) - options.image_shape[1], dw = y.size(3) - options.image_shape[2];
  if (dh == 0 && dw == 0) return y;
  return ops::crop2d(y, {dh / 2, dw / 2, dh - dh / 2, dw - dw / 2});
}

Tensor LatentGenerator::forward(const Tensor& z) { return tail(head(z)); }

}  // namespace splitleak::attack
