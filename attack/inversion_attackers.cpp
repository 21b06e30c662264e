// The learned black-box inverters: `cgan` (pix2pix adapted to feature maps: the inversion
// generator against a PatchGAN that sees the feature map through its own condition layers,
// attack/feature_condition.h; GAN + lambda * L1) and
// `inverse_net` (He et al. 2019: the same generator trained alone with L2 or L1). Both train on
// seeded batches (rows drawn as a function of (seed, step)) with Adam, constant then linearly
// decaying learning rate, and reconstruct in eval mode. With `feature_weight` > 0 (white box)
// the generator also minimises the feature consistency of attack/feature_consistency.h.
#include <algorithm>
#include <cmath>
#include <filesystem>

#include "attack/attacker.h"
#include "attack/attacker_checkpoint.h"
#include "attack/cgan_step.h"
#include "attack/feature_condition.h"
#include "attack/feature_consistency.h"
#include "attack/inversion_generator.h"
#include "core/autograd.h"
#include "core/batches.h"
#include "core/error.h"
#include "core/ops.h"

namespace splitleak::attack {
namespace {

std::vector<int64_t> batch_indices(int64_t n, int64_t batch, uint64_t seed, int64_t step) {
  Generator gen(seed * 0x9E3779B97F4A7C15ull + static_cast<uint64_t>(step) * 0xBF58476D1CE4E5B9ull + 1);
  std::vector<int64_t> idx(static_cast<size_t>(std::min(batch, n)));
  for (auto& i : idx) i = static_cast<int64_t>(gen.below(static_cast<uint64_t>(n)));
  return idx;
}

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

optim::LrSchedule schedule(double lr, double decay_fraction, int64_t steps) {
  optim::LrSchedule s;
  s.base_lr = static_cast<float>(lr);
  s.kind = optim::LrSchedule::Kind::LinearDecay;
  s.decay_steps = static_cast<int64_t>(std::llround(decay_fraction * static_cast<double>(steps)));
  s.constant_steps = steps - s.decay_steps;
  return s;
}

uint64_t step_seed(uint64_t seed, int64_t step) {
  return seed * 0xD1B54A32D192ED03ull + static_cast<uint64_t>(step) * 0x9E3779B97F4A7C15ull + 7;
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

// What the learned attackers share: their state as checkpoint groups, save/load, and the
// training loop — continue from `checkpoint` when it exists (else from the steps already done),
// run `one_step(step)` up to options.steps, checkpoint every checkpoint_every steps and at the end.
class LearnedInverter : public Attacker {
 public:
  void save(const std::string& path) const override { write_attacker_checkpoint(path, kind(), steps_done_, state()); }

  void load(const std::string& path) override {
    std::map<std::string, nn::NamedTensors> states = optimizer_states();
    steps_done_ = read_attacker_checkpoint(path, kind(), model_groups(), &states);
    restore_optimizers(states);
  }

  Tensor reconstruct(const Tensor& features) override { return reconstruct_in_batches(*generator_, features, device_); }

 protected:
  // Parameters and buffers of the networks (handles into them).
  virtual std::vector<CheckpointGroup> model_groups() const = 0;
  // The optimisers' states by group name, and their restoration from the same map.
  virtual std::map<std::string, nn::NamedTensors> optimizer_states() const = 0;
  virtual void restore_optimizers(const std::map<std::string, nn::NamedTensors>& states) = 0;

  template <typename Step>
  void training_loop(const FitOptions& o, Step one_step) {
    if (!o.checkpoint.empty() && std::filesystem::exists(o.checkpoint)) load(o.checkpoint);
    for (int64_t s = steps_done_; s < o.steps; ++s) {
      const double loss = one_step(s);
      steps_done_ = s + 1;
      if (o.progress) o.progress({s + 1, o.steps, loss});
      if (o.evaluate && std::binary_search(o.evaluate_at.begin(), o.evaluate_at.end(), s + 1)) {
        o.evaluate(s + 1);
        generator_->train();
      }
      const bool last = s + 1 == o.steps;
      if (!o.checkpoint.empty() && (last || (o.checkpoint_every > 0 && (s + 1) % o.checkpoint_every == 0)))
        save(o.checkpoint);
    }
  }

  std::shared_ptr<InversionGenerator> generator_;
  int64_t steps_done_ = 0;
  Device device_;  // where the networks live (AttackContext::device)

 private:
  std::vector<CheckpointGroup> state() const {
    std::vector<CheckpointGroup> all = model_groups();
    for (auto& [prefix, tensors] : optimizer_states()) all.push_back({prefix, tensors});
    return all;
  }
};

class CganAttacker : public LearnedInverter {
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
        c.get_int("n_layers", default_patch_layers(std::min(ctx.image_shape[1], ctx.image_shape[2])));
    o.discriminator.norm = generator_->options.norm;
    o.discriminator.seed = generator_->options.seed + 1;
    o.lambda_l1 = static_cast<float>(c.get_double("lambda_l1", 100.0));
    if (auto consistency = feature_consistency(c, ctx, "cgan"))
      o.extra_generator_loss = [consistency](const Tensor& input, const Tensor& fake) { return consistency->loss(fake, input); };
    o.adam.lr = static_cast<float>(c.get_double("lr", 1e-3));
    o.adam.beta1 = static_cast<float>(c.get_double("beta1", 0.5));
    o.adam.beta2 = static_cast<float>(c.get_double("beta2", 0.999));
    decay_ = c.get_double("decay_fraction", 0.5);
    step_ = std::make_unique<CganStep>(o, generator_, condition.module);
  }
  std::string kind() const override { return "cgan"; }

  void fit(const Samples& features, const Samples& images, const FitOptions& o) override {
    check_pairs(features, images);
    const optim::LrSchedule lr = schedule(step_->generator_optimizer().options.lr, decay_, o.steps);
    training_loop(o, [&](int64_t s) {
      const auto idx = batch_indices(features.size(), o.batch_size, o.seed, s);
      step_->generator_optimizer().set_lr(lr.lr_at(s));
      step_->discriminator_optimizer().set_lr(lr.lr_at(s));
      generator_->reseed_dropout(step_seed(o.seed, s));
      return step_->step(features.read(idx).to(device_), images.read(idx).to(device_)).g_l1;
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
  double decay_ = 0.5;
};

class InverseNetAttacker : public LearnedInverter {
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
    device_ = ctx.device;
    generator_->to(device_);
    opt_ = std::make_unique<optim::Adam>(generator_->named_parameters(), a);
  }
  std::string kind() const override { return "inverse_net"; }

  void fit(const Samples& features, const Samples& images, const FitOptions& o) override {
    check_pairs(features, images);
    const optim::LrSchedule lr = schedule(opt_->options.lr, decay_, o.steps);
    generator_->train();
    training_loop(o, [&](int64_t s) {
      const auto idx = batch_indices(features.size(), o.batch_size, o.seed, s);
      generator_->reseed_dropout(step_seed(o.seed, s));
      const Tensor input = features.read(idx).to(device_);
      const Tensor fake = generator_->forward(input);
      const Tensor real = images.read(idx).to(device_);
      Tensor loss = loss_ == "l2" ? ops::mse_loss(fake, real) : ops::l1_loss(fake, real);
      if (consistency_) loss = ops::add(loss, consistency_->loss(fake, input));
      opt_->set_lr(lr.lr_at(s));
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
