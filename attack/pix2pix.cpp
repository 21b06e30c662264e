#include "attack/pix2pix.h"

#include "core/error.h"
#include "core/ops.h"

namespace splitleak::attack {
namespace {

std::shared_ptr<nn::Module> norm_layer(NormKind kind, int64_t channels) {
  if (kind == NormKind::Batch) return std::make_shared<nn::BatchNorm2d>(channels);
  return std::make_shared<nn::InstanceNorm2d>(channels);
}

std::shared_ptr<nn::Functional> leaky_relu() {
  return std::make_shared<nn::Functional>("LeakyReLU", [](const Tensor& x) { return ops::leaky_relu(x, 0.2f); });
}
std::shared_ptr<nn::Functional> relu() {
  return std::make_shared<nn::Functional>("ReLU", [](const Tensor& x) { return ops::relu(x); });
}

// pix2pix's UnetSkipConnectionBlock: x -> [down, submodule, up] -> concat(x, .) (or, outermost,
// just the result). Its Sequential is the child "model".
class SkipBlock : public nn::Module {
 public:
  SkipBlock(int64_t outer_nc, int64_t inner_nc, int64_t input_nc, std::shared_ptr<nn::Module> submodule,
            bool outermost, bool innermost, const UnetOptions& o, bool dropout, Generator& gen,
            std::vector<std::shared_ptr<nn::Dropout>>& dropouts)
      : outermost_(outermost) {
    const bool use_bias = o.norm == NormKind::Instance;
    const ops::Conv2dOptions down_opts{{2, 2}, {1, 1}, {1, 1}, 1};
    const ops::ConvTranspose2dOptions up_opts{{2, 2}, {1, 1}, {0, 0}, {1, 1}, 1};
    model_ = register_module("model", std::make_shared<nn::Sequential>());
    auto downconv = std::make_shared<nn::Conv2d>(input_nc, inner_nc, 4, down_opts, use_bias, gen);
    if (outermost) {
      model_->add(downconv);
      model_->add(submodule);
      model_->add(relu());
      model_->add(std::make_shared<nn::ConvTranspose2d>(inner_nc * 2, outer_nc, 4, up_opts, true, gen));
      model_->add(std::make_shared<nn::Functional>("Tanh", [](const Tensor& x) { return ops::tanh(x); }));
    } else if (innermost) {
      model_->add(leaky_relu());
      model_->add(downconv);
      model_->add(relu());
      model_->add(std::make_shared<nn::ConvTranspose2d>(inner_nc, outer_nc, 4, up_opts, use_bias, gen));
      model_->add(norm_layer(o.norm, outer_nc));
    } else {
      model_->add(leaky_relu());
      model_->add(downconv);
      model_->add(norm_layer(o.norm, inner_nc));
      model_->add(submodule);
      model_->add(relu());
      model_->add(std::make_shared<nn::ConvTranspose2d>(inner_nc * 2, outer_nc, 4, up_opts, use_bias, gen));
      model_->add(norm_layer(o.norm, outer_nc));
      if (dropout) dropouts.push_back(model_->add(std::make_shared<nn::Dropout>(0.5f, gen.next_u64())));
    }
  }

  Tensor forward(const Tensor& x) override {
    if (outermost_) return model_->forward(x);
    return ops::concat({x, model_->forward(x)}, 1);
  }

 private:
  bool outermost_;
  std::shared_ptr<nn::Sequential> model_;
};

}  // namespace

UnetGenerator::UnetGenerator(const UnetOptions& o) : options(o) {
  check(o.num_downs >= 5, "unet: num_downs must be >= 5 (pix2pix's U-Net has at least five levels)");
  check(o.ngf >= 1 && o.input_channels >= 1 && o.output_channels >= 1, "unet: channel counts must be positive");
  Generator gen(o.seed);
  const int64_t ngf = o.ngf;
  auto& d = dropouts_;
  std::shared_ptr<nn::Module> block =
      std::make_shared<SkipBlock>(ngf * 8, ngf * 8, ngf * 8, nullptr, false, true, o, false, gen, d);
  for (int64_t i = 0; i < o.num_downs - 5; ++i)
    block = std::make_shared<SkipBlock>(ngf * 8, ngf * 8, ngf * 8, block, false, false, o, o.dropout, gen, d);
  block = std::make_shared<SkipBlock>(ngf * 4, ngf * 8, ngf * 4, block, false, false, o, false, gen, d);
  block = std::make_shared<SkipBlock>(ngf * 2, ngf * 4, ngf * 2, block, false, false, o, false, gen, d);
  block = std::make_shared<SkipBlock>(ngf, ngf * 2, ngf, block, false, false, o, false, gen, d);
  model_ = register_module("model", std::make_shared<SkipBlock>(o.output_channels, ngf, o.input_channels, block, true,
                                                                false, o, false, gen, d));
  init_pix2pix_weights(*this, gen);
}

void UnetGenerator::reseed_dropout(uint64_t seed) {
  for (size_t i = 0; i < dropouts_.size(); ++i) dropouts_[i].get()->reseed(seed * 0x9E3779B97F4A7C15ull + i + 1);
}

Tensor UnetGenerator::forward(const Tensor& x) {
  const int64_t side = int64_t{1} << options.num_downs;
  check(x.dim() == 4 && x.size(1) == options.input_channels && x.size(2) % side == 0 && x.size(3) % side == 0 &&
            x.size(2) >= side && x.size(3) >= side,
        "unet: input " + shape_str(x.shape()) + " must be (N, " + std::to_string(options.input_channels) +
            ", H, W) with H and W multiples of " + std::to_string(side));
  // tanh in [-1, 1] rescaled to images in [0, 1].
  return ops::affine_scalar(model_->forward(x), 0.5f, 0.5f);
}

int64_t patch_receptive_field(int64_t n_layers) {
  int64_t field = 7;  // the two stride-1 4x4 convs at the end
  for (int64_t n = 0; n < n_layers; ++n) field = (field - 1) * 2 + 4;
  return field;
}

int64_t default_patch_layers(int64_t image_side) {
  int64_t n = 1;
  while (n < 3 && patch_receptive_field(n + 1) * 2 <= image_side) ++n;
  return n;
}

PatchDiscriminator::PatchDiscriminator(const PatchOptions& o, std::shared_ptr<nn::Module> condition) : options(o) {
  check(o.n_layers >= 1 && o.ndf >= 1 && o.input_channels >= 1, "patchgan: n_layers, ndf and channels must be positive");
  Generator gen(o.seed);
  const bool use_bias = o.norm == NormKind::Instance;
  const ops::Conv2dOptions s2{{2, 2}, {1, 1}, {1, 1}, 1}, s1{{1, 1}, {1, 1}, {1, 1}, 1};
  model_ = register_module("model", std::make_shared<nn::Sequential>());
  first_ = model_->add(std::make_shared<nn::Conv2d>(o.input_channels, o.ndf, 4, s2, true, gen));
  model_->add(leaky_relu());
  int64_t mult = 1;
  for (int64_t n = 1; n < o.n_layers; ++n) {
    const int64_t prev = mult;
    mult = std::min<int64_t>(int64_t{1} << n, 8);
    model_->add(std::make_shared<nn::Conv2d>(o.ndf * prev, o.ndf * mult, 4, s2, use_bias, gen));
    model_->add(norm_layer(o.norm, o.ndf * mult));
    model_->add(leaky_relu());
  }
  const int64_t prev = mult;
  mult = std::min<int64_t>(int64_t{1} << o.n_layers, 8);
  model_->add(std::make_shared<nn::Conv2d>(o.ndf * prev, o.ndf * mult, 4, s1, use_bias, gen));
  model_->add(norm_layer(o.norm, o.ndf * mult));
  model_->add(leaky_relu());
  model_->add(std::make_shared<nn::Conv2d>(o.ndf * mult, 1, 4, s1, true, gen));
  init_pix2pix_weights(*model_, gen);
  if (condition) condition_ = register_module("condition", std::move(condition));
}

Tensor PatchDiscriminator::forward(const Tensor& x) {
  check(x.dim() == 4 && x.size(1) == options.input_channels,
        "patchgan: input " + shape_str(x.shape()) + " must have " + std::to_string(options.input_channels) + " channels");
  return model_->forward(x);
}

Tensor PatchDiscriminator::condition(const Tensor& input) {
  const Tensor c = condition_ ? condition_->forward(input) : input;
  check(c.dim() == 4 && c.size(1) < options.input_channels,
        "patchgan: condition " + shape_str(c.shape()) + " must leave image channels of the " +
            std::to_string(options.input_channels) + " the discriminator takes");
  return ops::conv2d(c, ops::narrow(first_->weight, 1, 0, c.size(1)), first_->bias, first_->options);
}

Tensor PatchDiscriminator::judge(const Tensor& condition, const Tensor& image) {
  const int64_t image_channels = image.size(1), condition_channels = options.input_channels - image_channels;
  check(image.dim() == 4 && condition_channels > 0,
        "patchgan: image " + shape_str(image.shape()) + " must leave condition channels of the " +
            std::to_string(options.input_channels) + " the discriminator takes");
  const Tensor image_term =
      ops::conv2d(image, ops::narrow(first_->weight, 1, condition_channels, image_channels), Tensor(), first_->options);
  check(image_term.shape() == condition.shape(),
        "patchgan: image " + shape_str(image.shape()) + " gives first-layer map " + shape_str(image_term.shape()) +
            ", the condition " + shape_str(condition.shape()));
  Tensor h = ops::add(condition, image_term);
  for (size_t i = 1; i < model_->size(); ++i) h = (*model_)[i].forward(h);
  return h;
}

void init_pix2pix_weights(nn::Module& module, Generator& gen) {
  for (auto& [name, t] : module.named_parameters()) {
    const bool is_bias = name.size() >= 5 && name.compare(name.size() - 5, 5, ".bias") == 0;
    if (is_bias) {
      t.fill(0.0f);
    } else if (t.dim() >= 2) {
      init::normal_(t, 0.0f, 0.02f, gen);
    } else {
      init::normal_(t, 1.0f, 0.02f, gen);  // batch norm's scale
    }
  }
}

}  // namespace splitleak::attack
