#pragma once
// One training step of the conditional GAN, as pix2pix's optimize_parameters: the generator maps
// its input A to a fake image; the discriminator learns on (A, real) against (A, fake) with the
// vanilla GAN loss (BCE with logits, halved), seeing A through its own condition map; then the
// generator learns against the updated discriminator with GAN + lambda * L1(fake, real).
// Adam for both; CganStepOptions' defaults are pix2pix's (2e-4, betas 0.5 / 0.999), and the
// `cgan` attacker sets its own learning rate (1e-3 by default, attack/inversion_attackers.cpp).
#include <functional>
#include <memory>

#include "attack/pix2pix.h"
#include "core/optim/optimizer.h"

namespace splitleak::attack {

struct CganStepOptions {
  UnetOptions generator;
  PatchOptions discriminator;  // input_channels = condition channels + image channels
  float lambda_l1 = 100.0f;
  optim::AdamOptions adam{2e-4f, 0.5f, 0.999f, 1e-8f, 0.0f, false};
  // Where both networks and their optimizers live; inputs to step() must be there too.
  Device device;
  // When set, added to the generator's loss: a scalar of (input, fake) that differentiates into
  // the fake (the white-box feature consistency, attack/feature_consistency.h).
  std::function<Tensor(const Tensor& input, const Tensor& fake)> extra_generator_loss;
};

// The vanilla GAN losses pix2pix uses, on logits: the discriminator's
// (BCE(real, 1) + BCE(fake, 0)) / 2 with its two terms, and the generator's BCE(fake, 1).
struct DiscriminatorLoss {
  Tensor total, real, fake;
};
DiscriminatorLoss discriminator_loss(const Tensor& pred_real, const Tensor& pred_fake);
Tensor generator_gan_loss(const Tensor& pred_fake);
// One step of `opt` on `module`'s parameters down the gradient of `loss`: their grads are
// assigned d loss / d parameter; no other leaf's grad is touched (autograd::grad).
void step_parameters(const Tensor& loss, nn::Module& module, optim::Optimizer& opt);

struct CganLosses {
  double d_real = 0, d_fake = 0, g_gan = 0, g_l1 = 0;  // g_l1 before the lambda factor
  double g_extra = 0;  // extra_generator_loss, as added
};

class CganStep {
 public:
  // pix2pix as is: a U-Net from options.generator, the discriminator conditioned on its input.
  explicit CganStep(const CganStepOptions& options);
  // Any generator (inputs -> images in [0, 1]); `condition` (the discriminator's own, trained
  // with its loss; null: the input as it is) maps an input to (N, c, H, W), c + image channels
  // = options.discriminator.input_channels.
  CganStep(const CganStepOptions& options, std::shared_ptr<nn::Module> generator, std::shared_ptr<nn::Module> condition);
  // input (N, ...) for the generator, real (N, Cimg, H, W) in [0, 1]: one D update, then one G
  // update.
  CganLosses step(const Tensor& input, const Tensor& real);
  // The parts of step, in its order: the fake (G in train mode), the D update (fills
  // losses.d_*), the G update (fills losses.g_*), both given the generator's input.
  // Gradients stay in the parameters' grad().
  Tensor generate(const Tensor& input);
  void discriminator_step(const Tensor& input, const Tensor& real, const Tensor& fake, CganLosses& losses);
  void generator_step(const Tensor& input, const Tensor& real, const Tensor& fake, CganLosses& losses);
  nn::Module& generator() { return *g_; }
  PatchDiscriminator& discriminator() { return *d_; }
  optim::Adam& generator_optimizer() { return *opt_g_; }
  optim::Adam& discriminator_optimizer() { return *opt_d_; }
  const PatchDiscriminator& discriminator() const { return *d_; }
  const optim::Adam& generator_optimizer() const { return *opt_g_; }
  const optim::Adam& discriminator_optimizer() const { return *opt_d_; }

 private:
  CganStepOptions options_;
  std::shared_ptr<nn::Module> g_;
  std::unique_ptr<PatchDiscriminator> d_;
  std::unique_ptr<optim::Adam> opt_g_, opt_d_;
};

}  // namespace splitleak::attack
