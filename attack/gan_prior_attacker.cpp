// `gan_prior` — inversion on a learned image prior (GLASS-style, Li et al. 2023, with the prior
// trained here): fit trains an unconditional DCGAN (attack/latent_generator.h against a
// PatchGAN judging images alone) on the auxiliary images — the feature maps are not used —
// then reconstruct searches, for each observed feature map, the generator's latent and first
// block so that front(G(z)) matches it (attack/latent_search.h), in batches of
// `search_batch_size`. White box: the provider serves the model. While fit runs (the runner's
// validation scores), reconstruct searches with one restart and a quarter of the iterations.
#include <algorithm>

#include "attack/cgan_step.h"
#include "attack/latent_search.h"
#include "attack/learned_inverter.h"
#include "attack/pix2pix.h"
#include "core/batches.h"
#include "core/error.h"
#include "victim/defence.h"
#include "victim/execute.h"

namespace splitleak::attack {
namespace {

// The PatchGAN depth whose patch covers the whole image up to 70 px (a global verdict on small
// images, DCGAN's), pix2pix's 3 above.
int64_t prior_patch_layers(int64_t image_side) {
  int64_t n = 1;
  while (n < 3 && patch_receptive_field(n) < image_side) ++n;
  return n;
}

class GanPriorAttacker : public LearnedInverter {
 public:
  GanPriorAttacker(const Config& c, const AttackContext& ctx) : device_(ctx.device) {
    check(ctx.front != nullptr, "gan_prior: a white-box attack needs the victim's front partition");
    front_ = victim::on_device(victim::expected_front(*ctx.front), ctx.device);
    LatentGeneratorOptions g;
    g.image_shape = ctx.image_shape;
    g.latent_dim = c.get_int("latent_dim", 100, 1, 4096);
    g.ngf = c.get_int("ngf", 64, 1, 1024);
    g.seed = static_cast<uint64_t>(c.get_int("seed", 0));
    generator_ = std::make_shared<LatentGenerator>(g);
    PatchOptions d;
    d.input_channels = ctx.image_shape[0];
    d.ndf = c.get_int("ndf", 64, 1, 1024);
    d.n_layers = c.get_int("n_layers", prior_patch_layers(std::min(ctx.image_shape[1], ctx.image_shape[2])), 1, 6);
    d.seed = g.seed + 1;
    discriminator_ = std::make_shared<PatchDiscriminator>(d);
    generator_->to(device_), discriminator_->to(device_);
    optim::AdamOptions a;
    a.lr = static_cast<float>(c.get_double("lr", 2e-4));
    a.beta1 = static_cast<float>(c.get_double("beta1", 0.5));
    a.beta2 = static_cast<float>(c.get_double("beta2", 0.999));
    check(a.lr > 0, "gan_prior: lr must be positive");
    decay_ = c.get_double("decay_fraction", 0.5);
    opt_g_ = std::make_unique<optim::Adam>(generator_->named_parameters(), a);
    opt_d_ = std::make_unique<optim::Adam>(discriminator_->named_parameters(), a);
    read_search_settings(c);
  }
  std::string kind() const override { return "gan_prior"; }

  void fit(const Samples&, const Samples& images, const FitOptions& o) override {
    check(images.size() >= 2, "gan_prior: need at least two auxiliary images");
    fitting_ = true;
    try {
      training_loop(o, *generator_, opt_g_->options.lr, decay_, [&](int64_t s, float lr) {
        opt_g_->set_lr(lr);
        opt_d_->set_lr(lr);
        const Tensor real = images.read(batch_indices(images.size(), o.batch_size, o.seed, s)).to(device_);
        return gan_step(real, step_seed(o.seed, s));
      });
    } catch (...) {
      fitting_ = false;
      throw;
    }
    fitting_ = false;
  }

  Tensor reconstruct(const Tensor& features) override {
    LatentSearchOptions o = search_;
    if (fitting_) o.restarts = 1, o.iterations = std::max<int64_t>(1, o.iterations / 4);
    int64_t first_row = 0;  // of the batch: each batch's starts are seeded by it
    return map_in_batches(features, batch_, [&](const Tensor& part) {
      o.seed = search_.seed + static_cast<uint64_t>(first_row);
      first_row += part.size(0);
      return latent_search(*generator_, front_, part.to(device_), o);
    });
  }

 protected:
  std::vector<CheckpointGroup> model_groups() const override {
    return {{"generator/params", generator_->named_parameters()},
            {"generator/buffers", generator_->named_buffers()},
            {"discriminator/params", discriminator_->named_parameters()},
            {"discriminator/buffers", discriminator_->named_buffers()}};
  }
  std::map<std::string, nn::NamedTensors> optimizer_states() const override {
    return {{"optimizer_g", opt_g_->state()}, {"optimizer_d", opt_d_->state()}};
  }
  void restore_optimizers(const std::map<std::string, nn::NamedTensors>& s) override {
    opt_g_->load_state(s.at("optimizer_g"));
    opt_d_->load_state(s.at("optimizer_d"));
  }

 private:
  void read_search_settings(const Config& c) {
    search_.iterations = c.get_int("iterations", 200, 0, 1'000'000);
    search_.restarts = c.get_int("restarts", 4, 1, 1000);
    search_.lr = static_cast<float>(c.get_double("search_lr", 0.05));
    search_.block_lr = static_cast<float>(c.get_double("block_lr", 0.01));
    search_.block_fraction = c.get_double("block_fraction", 0.25);
    search_.latent_weight = static_cast<float>(c.get_double("latent_weight", 1e-3));
    search_.seed = generator_->options.seed + 3;
    batch_ = c.get_int("search_batch_size", 64, 1, 1'000'000);
    check(search_.lr > 0 && search_.block_lr > 0 && search_.latent_weight >= 0,
          "gan_prior: search_lr and block_lr must be positive, latent_weight >= 0");
    check(search_.block_fraction >= 0 && search_.block_fraction <= 1, "gan_prior: block_fraction must be in [0, 1]");
  }

  // One DCGAN step on real images: the discriminator on (real, G(z)), then the generator against
  // the updated discriminator; z ~ N(0, I) drawn from `seed`. Returns the generator's loss.
  double gan_step(const Tensor& real, uint64_t seed) {
    generator_->train(), discriminator_->train();
    const Tensor fake = generator_->forward(standard_normal({real.size(0), generator_->options.latent_dim}, seed, device_));
    const Tensor pred_fake = discriminator_->forward(fake.detach());
    const DiscriminatorLoss d = discriminator_loss(discriminator_->forward(real), pred_fake);
    opt_d_->zero_grad();
    d.total.backward();
    opt_d_->step();
    const Tensor g = generator_gan_loss(discriminator_->forward(fake));
    step_parameters(g, *generator_, *opt_g_);
    return static_cast<double>(g.item());
  }

  Device device_;
  victim::Graph front_;  // the context's front partition on the context's device
  std::shared_ptr<LatentGenerator> generator_;
  std::shared_ptr<PatchDiscriminator> discriminator_;
  std::unique_ptr<optim::Adam> opt_g_, opt_d_;
  double decay_ = 0.5;
  LatentSearchOptions search_;
  int64_t batch_ = 64;
  bool fitting_ = false;
};

}  // namespace

void register_gan_prior_attacker() {
  AttackerTraits traits;
  traits.iterations_key = "iterations", traits.default_iterations = 200;
  traits.batch_key = "search_batch_size", traits.default_batch = 64;
  register_attacker(
      "gan_prior", [](const Config& c, const AttackContext& ctx) { return std::make_unique<GanPriorAttacker>(c, ctx); },
      traits);
}

}  // namespace splitleak::attack
