#pragma once
// pix2pix's networks (Isola et al. 2017; the reference implementation's module structure and
// parameter names, so its PyTorch state_dict loads by name):
//   UnetGenerator   nested UnetSkipConnectionBlocks: 4x4 stride-2 convs down (LeakyReLU 0.2),
//                   4x4 stride-2 transposed convs up (ReLU), skip concatenation, dropout 0.5 in
//                   the innermost 8*ngf blocks, tanh at the output (rescaled to [0, 1] here).
//   PatchDiscriminator  the 70x70 PatchGAN (NLayerDiscriminator, ndf, n_layers = 3).
// Norm layers are batch norm (then the convs before them have no bias) or instance norm.
// Weights start as pix2pix's init_weights('normal', 0.02).
#include <memory>

#include "core/nn/layers.h"
#include "core/random.h"

namespace splitleak::attack {

enum class NormKind { Batch, Instance };

struct UnetOptions {
  int64_t input_channels = 3, output_channels = 3;
  int64_t num_downs = 8;  // the image side must be divisible by 2^num_downs
  int64_t ngf = 64;
  NormKind norm = NormKind::Batch;
  bool dropout = true;
  uint64_t seed = 0;  // weights and dropout masks
};

class UnetGenerator : public nn::Module {
 public:
  explicit UnetGenerator(const UnetOptions& options);
  // (N, input_channels, S, S) -> (N, output_channels, S, S) in [0, 1].
  Tensor forward(const Tensor& x) override;
  // Reseeds every dropout layer (layer i gets a seed derived from `seed` and i).
  void reseed_dropout(uint64_t seed);
  UnetOptions options;

 private:
  std::shared_ptr<nn::Module> model_;  // the outermost block, registered as "model"
  std::vector<std::shared_ptr<nn::Dropout>> dropouts_;
};

struct PatchOptions {
  int64_t input_channels = 6, ndf = 64, n_layers = 3;
  NormKind norm = NormKind::Batch;
  uint64_t seed = 0;
};

// The side of the input patch one output logit sees: 16, 34, 70, 142 px for n_layers 1, 2, 3, 4.
int64_t patch_receptive_field(int64_t n_layers);
// The depth for images of side `image_side`: pix2pix's 3 (70x70 patches) from 140 px up; below,
// the deepest whose patch is at most half the image side, and at least 1. (On a 28x28 image a
// 70x70 "patch" is the whole image: one global real/fake verdict, whose gradients swamp the L1
// term at deep cuts.)
int64_t default_patch_layers(int64_t image_side);

class PatchDiscriminator : public nn::Module {
 public:
  // `condition` maps the generator's input to the map the patches are judged beside (its own
  // parameters, registered as "condition", train with the discriminator's loss); null: the
  // input as it is (pix2pix, whose input is an image).
  explicit PatchDiscriminator(const PatchOptions& options, std::shared_ptr<nn::Module> condition = nullptr);
  // (N, input_channels, H, W) -> (N, 1, h, w) logits, one per patch.
  Tensor forward(const Tensor& x) override;
  // What the patches are judged beside, for the generator's `input`, as the first conv sees it:
  // conv(c, W[:, :Cc]) + bias, where c is condition(input) (or the input itself when there is no
  // condition module) and Cc its channels. The first conv is linear, so on concat(c, image) it is
  // this plus conv(image, W[:, Cc:]): one discriminator step judges the real and the fake image
  // beside one condition term (and sums its weight gradient once), and the generator's step
  // computes no input gradient for the condition's channels.
  Tensor condition(const Tensor& input);
  // The logits for `image` (N, C, H, W) beside `condition` (from condition()): forward(concat(c,
  // image)), up to the order of the first conv's sums.
  Tensor judge(const Tensor& condition, const Tensor& image);
  PatchOptions options;

 private:
  std::shared_ptr<nn::Sequential> model_;
  std::shared_ptr<nn::Conv2d> first_;  // model_'s layer 0
  std::shared_ptr<nn::Module> condition_;
};

// pix2pix's init_weights(init_type='normal', gain=0.02): conv, transposed-conv and linear
// weights N(0, 0.02), biases 0; batch-norm weights N(1, 0.02), biases 0.
void init_pix2pix_weights(nn::Module& module, Generator& gen);

}  // namespace splitleak::attack
