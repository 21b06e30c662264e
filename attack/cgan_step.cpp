#include "attack/cgan_step.h"

#include "core/autograd.h"
#include "core/error.h"
#include "core/ops.h"

namespace splitleak::attack {
namespace {

double value(const Tensor& t) { return static_cast<double>(t.item()); }

}  // namespace

DiscriminatorLoss discriminator_loss(const Tensor& pred_real, const Tensor& pred_fake) {
  DiscriminatorLoss l;
  l.fake = ops::bce_with_logits(pred_fake, Tensor::zeros(pred_fake.shape(), pred_fake.device()));
  l.real = ops::bce_with_logits(pred_real, Tensor::ones(pred_real.shape(), pred_real.device()));
  l.total = ops::mul_scalar(ops::add(l.fake, l.real), 0.5f);
  return l;
}

Tensor generator_gan_loss(const Tensor& pred_fake) {
  return ops::bce_with_logits(pred_fake, Tensor::ones(pred_fake.shape(), pred_fake.device()));
}

void step_parameters(const Tensor& loss, nn::Module& module, optim::Optimizer& opt) {
  std::vector<Tensor> leaves;
  for (const auto& [name, t] : module.named_parameters()) leaves.push_back(t);
  const std::vector<Tensor> grads = autograd::grad(loss, leaves);
  for (size_t i = 0; i < leaves.size(); ++i) leaves[i].set_grad(grads[i]);
  opt.step();
}

CganStep::CganStep(const CganStepOptions& options)
    : CganStep(options, std::make_shared<UnetGenerator>(options.generator), nullptr) {}

CganStep::CganStep(const CganStepOptions& options, std::shared_ptr<nn::Module> generator,
                   std::shared_ptr<nn::Module> condition)
    : options_(options), g_(std::move(generator)) {
  d_ = std::make_unique<PatchDiscriminator>(options.discriminator, std::move(condition));
  g_->to(options.device), d_->to(options.device);
  opt_g_ = std::make_unique<optim::Adam>(g_->named_parameters(), options.adam);
  opt_d_ = std::make_unique<optim::Adam>(d_->named_parameters(), options.adam);
}

CganLosses CganStep::step(const Tensor& input, const Tensor& real) {
  CganLosses losses;
  const Tensor fake = generate(input);
  discriminator_step(input, real, fake, losses);
  generator_step(input, real, fake, losses);
  return losses;
}

Tensor CganStep::generate(const Tensor& input) {
  g_->train(), d_->train();
  return g_->forward(input);
}

void CganStep::discriminator_step(const Tensor& input, const Tensor& real, const Tensor& fake, CganLosses& losses) {
  check(input.defined() && real.dim() == 4 && input.size(0) == real.size(0),
        "cgan: input " + (input.defined() ? shape_str(input.shape()) : "none") + " and images " +
            shape_str(real.shape()) + " must share the batch");
  // (A, real) -> 1, (A, fake) -> 0, the sum halved; the fake is detached.
  const Tensor condition = d_->condition(input);
  const Tensor pred_fake = d_->judge(condition, fake.detach());  // first, as pix2pix (batch-norm statistics)
  const DiscriminatorLoss loss = discriminator_loss(d_->judge(condition, real), pred_fake);
  opt_d_->zero_grad();
  loss.total.backward();
  opt_d_->step();
  losses.d_fake = value(loss.fake), losses.d_real = value(loss.real);
}

void CganStep::generator_step(const Tensor& input, const Tensor& real, const Tensor& fake, CganLosses& losses) {
  // Fool the updated discriminator and stay close to the real image. Only G's parameters get
  // gradients (D's are leaves this backward must not touch: autograd::grad wrt G's).
  const Tensor pred_fake = d_->judge(d_->condition(input), fake);
  const Tensor loss_gan = generator_gan_loss(pred_fake);
  const Tensor loss_l1 = ops::l1_loss(fake, real);
  Tensor loss_g = ops::add(loss_gan, ops::mul_scalar(loss_l1, options_.lambda_l1));
  if (options_.extra_generator_loss) {
    const Tensor extra = options_.extra_generator_loss(input, fake);
    loss_g = ops::add(loss_g, extra);
    losses.g_extra = value(extra);
  }
  step_parameters(loss_g, *g_, *opt_g_);
  losses.g_gan = value(loss_gan), losses.g_l1 = value(loss_l1);
}

}  // namespace splitleak::attack
