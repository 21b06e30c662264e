// `rmle` — He et al. 2019's white-box attack (regularised maximum likelihood estimation): for
// each observed feature map v, optimise the image x, from uniform grey 0.5, to minimise
// mse(front(x), v) + tv_weight * TV(x) / (C H W) with Adam, differentiating through the victim's
// front partition (eval mode), x clamped to [0, 1] after every step. Needs no training. On an
// OpenCL device (AttackContext::device) the front's weights are uploaded once and every batch is
// optimised there.
#include <algorithm>

#include "attack/attacker.h"
#include "attack/attacker_checkpoint.h"
#include "attack/rmle.h"
#include "core/autograd.h"
#include "core/error.h"
#include "core/ops.h"
#include "core/optim/optimizer.h"
#include "victim/defence.h"
#include "victim/execute.h"

namespace splitleak::attack {
namespace {

class RmleAttacker : public Attacker {
 public:
  RmleAttacker(const Config& c, const AttackContext& ctx) : ctx_(ctx) {
    check(ctx.front != nullptr, "rmle: a white-box attack needs the victim's front partition");
    front_ = victim::on_device(victim::expected_front(*ctx.front), ctx.device);
    options_.iterations = c.get_int("iterations", 300, 1, 1'000'000);
    options_.lr = static_cast<float>(c.get_double("lr", 0.05));
    options_.tv_weight = static_cast<float>(c.get_double("tv_weight", 0.05));
    batch_ = c.get_int("batch_size", 64, 1, 65536);
    check(options_.iterations > 0 && options_.lr > 0 && options_.tv_weight >= 0 && batch_ > 0,
          "rmle: iterations, lr and batch_size must be positive, tv_weight >= 0");
  }
  std::string kind() const override { return "rmle"; }

  void fit(const Samples&, const Samples&, const FitOptions&) override {}
  // Nothing is learned: the file records the kind, so a later load checks it.
  void save(const std::string& path) const override { write_attacker_checkpoint(path, kind(), 0, {}); }
  void load(const std::string& path) override { read_attacker_checkpoint(path, kind(), {}); }

  Tensor reconstruct(const Tensor& features) override {
    Shape shape = ctx_.image_shape;
    shape.insert(shape.begin(), features.size(0));
    return rmle_invert_in_batches(front_, features, Tensor::full(shape, 0.5f), options_, batch_);
  }

 private:
  AttackContext ctx_;
  victim::Graph front_;  // ctx_.front on ctx_.device
  RmleOptions options_;
  int64_t batch_ = 64;
};

}  // namespace

Tensor rmle_invert(const victim::Graph& front, const Tensor& target, const Tensor& start, const RmleOptions& o) {
  Tensor x = start.detach().clone();
  x.set_requires_grad(true);
  optim::AdamOptions a;
  a.lr = o.lr;
  optim::Adam opt({{"x", x}}, a);
  const float pixels = static_cast<float>(x.numel() / x.size(0));
  for (int64_t it = 0; it < o.iterations; ++it) {
    const Tensor fit = ops::mse_loss(victim::run(front, x), target);
    const Tensor loss = ops::add(fit, ops::mul_scalar(ops::total_variation(x), o.tv_weight / pixels));
    opt.zero_grad();
    loss.backward();
    opt.step();
    autograd::NoGradGuard no_grad;
    x.copy_from(ops::clamp(x.detach(), 0.0f, 1.0f));
  }
  return x.detach().clone();
}

Tensor rmle_invert_in_batches(const victim::Graph& front, const Tensor& targets, const Tensor& starts,
                              const RmleOptions& options, int64_t batch) {
  const Device device = victim::device_of(front);
  Tensor out = Tensor::empty(starts.shape());
  for (int64_t b = 0; b < targets.size(0); b += batch) {
    const int64_t e = std::min(targets.size(0), b + batch);
    out.slice(b, e).copy_from(
        rmle_invert(front, targets.slice(b, e).to(device), starts.slice(b, e).to(device), options).to(Device{}));
  }
  return out;
}

void register_white_box_attackers() {
  AttackerTraits traits;
  traits.learns = false;
  traits.iterations_key = "iterations", traits.default_iterations = 300;
  traits.batch_key = "batch_size", traits.default_batch = 64;
  register_attacker(
      "rmle", [](const Config& c, const AttackContext& ctx) { return std::make_unique<RmleAttacker>(c, ctx); }, traits);
}

}  // namespace splitleak::attack
