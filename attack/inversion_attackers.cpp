// The learned black-box inverters: `cgan` (pix2pix adapted to feature maps: the inversion
// generator against a PatchGAN that sees the feature map through its own condition layers,
// attack/feature_condition.h; GAN + lambda * L1) and
// `inverse_net` (He et al. 2019: the same generator trained alone with L2 or L1). Both train on
// seeded batches (rows drawn as a function of (seed, step)) with Adam, constant then linearly
// decaying learning rate, and reconstruct in eval mode. With `feature_weight` > 0 (white box)
// the generator also minimises the feature consistency of attack/feature_consistency.h; with
// `augment: flip` (white box) it trains on mirrored pairs (attack/flip_augmentation.h).
#include <algorithm>
#include <cmath>

#include "attack/attacker.h"
#include "attack/cgan_step.h"
#include "attack/feature_condition.h"
#include "attack/feature_consistency.h"
#include "attack/flip_augmentation.h"
#include "attack/inversion_generator.h"
#include "attack/learned_inverter.h"
#include "core/autograd.h"
#include "core/batches.h"
#include "core/error.h"
#include "core/ops.h"
#include "core/random.h"

namespace splitleak::attack {
namespace {

InversionGeneratorOptions generator_options(const Config& c, const AttackContext& ctx) {
  InversionGeneratorOptions o;
  o.feature_shape = ctx.feature_shape, o.image_shape = ctx.image_shape;
  // Up to 16x pix2pix's default widths: wider nets than that do not fit a GPU at 224².
  // A flat vector's linear projection gets twice the channels a map's 1x1 projection does
  // (LeNet-5 fc1, 1,000 steps: 0.641 SSIM at 32 channels, 0.662 at 128; bench/RESULTS.md).
  const int64_t default_stem = ctx.feature_shape.size() == 1 ? 128 : 64;
  o.ngf = c.get_int("ngf", 64, 1, 1024), o.stem_channels = c.get_int("stem_channels", default_stem, 1, 1024);
  const std::string norm = c.get_choice("norm", "batch", {"batch", "instance"});
  o.norm = norm == "batch" ? NormKind::Batch : NormKind::Instance;
  o.dropout = c.get_bool("dropout", true);
  o.seed = static_cast<uint64_t>(c.get_int("seed", 0));
  return o;
}

// The white-box feature-consistency term when the setting `feature_weight` is positive.
std::shared_ptr<const FeatureConsistency> feature_consistency(const Config& c, const AttackContext& ctx,
                                                              const std::string& kind) {
  const double weight = c.get_double("feature_weight", 0.0);
  check(weight >= 0, kind + ": feature_weight must be >= 0");
  if (weight == 0) return nullptr;
  check(ctx.front != nullptr, kind + ": feature_weight needs the victim's front partition (a white-box setting)");
  return std::make_shared<const FeatureConsistency>(*ctx.front, ctx.device, static_cast<float>(weight));
}

// Mirrored training pairs when the setting `augment` is flip (attack/flip_augmentation.h).
std::shared_ptr<const FlipAugmentation> flip_augmentation(const Config& c, const AttackContext& ctx,
                                                          const std::string& kind) {
  if (c.get_choice("augment", "none", {"none", "flip"}) == "none") return nullptr;
  check(ctx.front != nullptr, kind + ": augment: flip needs the victim's front partition (a white-box setting)");
  return std::make_shared<const FlipAugmentation>(*ctx.front, ctx.device);
}

// Step s's training pair on the device: rows idx of the auxiliary pairs, or, with `flip`, their
// images drawn mirrored and the front's features of them.
std::pair<Tensor, Tensor> training_batch(const Samples& features, const Samples& images, const std::vector<int64_t>& idx,
                                         const FlipAugmentation* flip, uint64_t step_seed, const Device& device) {
  if (flip) return flip->apply(images.read(idx), derive_seed(step_seed, 1));
  return {features.read(idx).to(device), images.read(idx).to(device)};
}

void check_pairs(const Samples& features, const Samples& images) {
  check(features.size() == images.size() && features.size() >= 2,
        "attacker: need at least two (feature map, image) pairs with the same count");
}

// The generator's images for host features, computed on `device` in batches, on the host.
Tensor reconstruct_in_batches(nn::Module& g, const Tensor& features, const Device& device) {
  autograd::NoGradGuard no_grad;
  g.eval();
  return map_in_batches(features, 64, [&](const Tensor& part) { return g.forward(part.to(device)).to(Device{}); });
}

// cgan and inverse_net: a learned InversionGenerator that reconstructs in one pass.
class InversionInverter : public LearnedInverter {
 public:
  Tensor reconstruct(const Tensor& features) override { return reconstruct_in_batches(*generator_, features, device_); }

 protected:
  std::shared_ptr<InversionGenerator> generator_;
  Device device_;  // where the networks live (AttackContext::device)
};

class CganAttacker : public InversionInverter {
 public:
  CganAttacker(const Config& c, const AttackContext& ctx) {
    generator_ = std::make_shared<InversionGenerator>(generator_options(c, ctx));
    device_ = ctx.device;
    CganStepOptions o;
    o.device = ctx.device;
    Generator condition_gen(generator_->options.seed + 2);
    FeatureCondition condition = make_feature_condition(ctx.feature_shape, ctx.image_shape, condition_gen);
    o.discriminator.input_channels = condition.channels + ctx.image_shape[0];
    o.discriminator.ndf = c.get_int("ndf", 64, 1, 1024);
    o.discriminator.n_layers =
        c.get_int("n_layers", default_patch_layers(std::min(ctx.image_shape[1], ctx.image_shape[2])), 1, 8);
    o.discriminator.norm = generator_->options.norm;
    o.discriminator.seed = generator_->options.seed + 1;
    o.lambda_l1 = static_cast<float>(c.get_double("lambda_l1", 100.0));
    if (auto consistency = feature_consistency(c, ctx, "cgan"))
      o.extra_generator_loss = [consistency](const Tensor& input, const Tensor& fake) { return consistency->loss(fake, input); };
    o.adam.lr = static_cast<float>(c.get_double("lr", 1e-3));
    o.adam.beta1 = static_cast<float>(c.get_double("beta1", 0.5));
    o.adam.beta2 = static_cast<float>(c.get_double("beta2", 0.999));
    decay_ = c.get_double("decay_fraction", 0.5);
    flip_ = flip_augmentation(c, ctx, "cgan");
    step_ = std::make_unique<CganStep>(o, generator_, condition.module);
  }
  std::string kind() const override { return "cgan"; }

  void fit(const Samples& features, const Samples& images, const FitOptions& o) override {
    check_pairs(features, images);
    training_loop(o, *generator_, step_->generator_optimizer().options.lr, decay_, [&](int64_t s, float lr) {
      const auto idx = batch_indices(features.size(), o.batch_size, o.seed, s);
      step_->generator_optimizer().set_lr(lr);
      step_->discriminator_optimizer().set_lr(lr);
      generator_->reseed_dropout(step_seed(o.seed, s));
      const auto [input, real] = training_batch(features, images, idx, flip_.get(), step_seed(o.seed, s), device_);
      return step_->step(input, real).g_l1;
    });
  }

 protected:
  std::vector<CheckpointGroup> model_groups() const override {
    return {{"generator/params", generator_->named_parameters()},
            {"generator/buffers", generator_->named_buffers()},
            {"discriminator/params", step_->discriminator().named_parameters()},
            {"discriminator/buffers", step_->discriminator().named_buffers()}};
  }
  std::map<std::string, nn::NamedTensors> optimizer_states() const override {
    return {{"optimizer_g", step_->generator_optimizer().state()},
            {"optimizer_d", step_->discriminator_optimizer().state()}};
  }
  void restore_optimizers(const std::map<std::string, nn::NamedTensors>& s) override {
    step_->generator_optimizer().load_state(s.at("optimizer_g"));
    step_->discriminator_optimizer().load_state(s.at("optimizer_d"));
  }

 private:
  std::unique_ptr<CganStep> step_;
  std::shared_ptr<const FlipAugmentation> flip_;
  double decay_ = 0.5;
};

class InverseNetAttacker : public InversionInverter {
 public:
  InverseNetAttacker(const Config& c, const AttackContext& ctx) {
    generator_ = std::make_shared<InversionGenerator>(generator_options(c, ctx));
    loss_ = c.get_string("loss", "l2");
    check(loss_ == "l2" || loss_ == "l1", "inverse_net: loss must be l2 or l1, got '" + loss_ + "'");
    optim::AdamOptions a;
    a.lr = static_cast<float>(c.get_double("lr", 1e-3));
    a.beta1 = static_cast<float>(c.get_double("beta1", 0.5));
    a.beta2 = static_cast<float>(c.get_double("beta2", 0.999));
    decay_ = c.get_double("decay_fraction", 0.5);
    consistency_ = feature_consistency(c, ctx, "inverse_net");
    flip_ = flip_augmentation(c, ctx, "inverse_net");
    device_ = ctx.device;
    generator_->to(device_);
    opt_ = std::make_unique<optim::Adam>(generator_->named_parameters(), a);
  }
  std::string kind() const override { return "inverse_net"; }

  void fit(const Samples& features, const Samples& images, const FitOptions& o) override {
    check_pairs(features, images);
    generator_->train();
    training_loop(o, *generator_, opt_->options.lr, decay_, [&](int64_t s, float lr) {
      const auto idx = batch_indices(features.size(), o.batch_size, o.seed, s);
      generator_->reseed_dropout(step_seed(o.seed, s));
      const auto [input, real] = training_batch(features, images, idx, flip_.get(), step_seed(o.seed, s), device_);
      const Tensor fake = generator_->forward(input);
      Tensor loss = loss_ == "l2" ? ops::mse_loss(fake, real) : ops::l1_loss(fake, real);
      if (consistency_) loss = ops::add(loss, consistency_->loss(fake, input));
      opt_->set_lr(lr);
      opt_->zero_grad();
      loss.backward();
      opt_->step();
      return static_cast<double>(loss.item());
    });
  }

 protected:
  std::vector<CheckpointGroup> model_groups() const override {
    return {{"generator/params", generator_->named_parameters()}, {"generator/buffers", generator_->named_buffers()}};
  }
  std::map<std::string, nn::NamedTensors> optimizer_states() const override { return {{"optimizer", opt_->state()}}; }
  void restore_optimizers(const std::map<std::string, nn::NamedTensors>& s) override {
    opt_->load_state(s.at("optimizer"));
  }

 private:
  std::unique_ptr<optim::Adam> opt_;
  std::shared_ptr<const FeatureConsistency> consistency_;
  std::shared_ptr<const FlipAugmentation> flip_;
  std::string loss_;
  double decay_ = 0.5;
};

}  // namespace

void register_inversion_attackers() {
  register_attacker("cgan", [](const Config& c, const AttackContext& ctx) { return std::make_unique<CganAttacker>(c, ctx); });
  register_attacker("inverse_net",
                    [](const Config& c, const AttackContext& ctx) { return std::make_unique<InverseNetAttacker>(c, ctx); });
}

}  // namespace splitleak::attack
