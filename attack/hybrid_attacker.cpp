// `hybrid` — a learned inverter's reconstruction refined by rMLE: the learned prior gives the
// start point, the front partition's gradient the precision. White box: the provider serves the
// model. fit trains the base inverter (`base`: inverse_net or cgan, with all of its settings);
// reconstruct runs the base, then `refine_iterations` Adam steps of rmle_invert from its images
// (attack/rmle.h), in batches of `refine_batch_size`. While fit runs, reconstruct (the
// runner's validation scores) is the base's alone: the convergence check judges what is learned.
// save/load are the base's: the refinement learns nothing.
#include "attack/attacker.h"
#include "attack/rmle.h"
#include "core/error.h"
#include "victim/defence.h"
#include "victim/execute.h"

namespace splitleak::attack {
namespace {

class HybridAttacker : public Attacker {
 public:
  HybridAttacker(const Config& c, const AttackContext& ctx) {
    check(ctx.front != nullptr, "hybrid: a white-box attack needs the victim's front partition");
    front_ = victim::on_device(victim::expected_front(*ctx.front), ctx.device);
    refine_.iterations = c.get_int("refine_iterations", 100, 0, 1'000'000);
    refine_.lr = static_cast<float>(c.get_double("refine_lr", 0.01));
    refine_.tv_weight = static_cast<float>(c.get_double("refine_tv_weight", 0.05));
    batch_ = c.get_int("refine_batch_size", 64, 1, 1'000'000);
    check(refine_.lr > 0 && refine_.tv_weight >= 0, "hybrid: refine_lr must be positive, refine_tv_weight >= 0");
    // The base reads every other setting; make_attacker then checks that none was left unread.
    base_ = make_attacker(c.get_choice("base", "inverse_net", {"cgan", "inverse_net"}), c, ctx);
  }
  std::string kind() const override { return "hybrid"; }

  void fit(const Samples& features, const Samples& images, const FitOptions& options) override {
    fitting_ = true;
    try {
      base_->fit(features, images, options);
    } catch (...) {
      fitting_ = false;
      throw;
    }
    fitting_ = false;
  }

  Tensor reconstruct(const Tensor& features) override {
    const Tensor learned = base_->reconstruct(features);
    if (fitting_ || refine_.iterations == 0) return learned;
    return rmle_invert_in_batches(front_, features, learned, refine_, batch_);
  }

  void save(const std::string& path) const override { base_->save(path); }
  void load(const std::string& path) override { base_->load(path); }
  int64_t state_bytes() const override { return base_->state_bytes(); }

 private:
  victim::Graph front_;  // the context's front partition on the context's device
  RmleOptions refine_;
  int64_t batch_ = 64;
  std::unique_ptr<Attacker> base_;
  bool fitting_ = false;
};

}  // namespace

void register_hybrid_attacker() {
  AttackerTraits traits;
  traits.iterations_key = "refine_iterations", traits.default_iterations = 100;
  traits.batch_key = "refine_batch_size", traits.default_batch = 64;
  register_attacker(
      "hybrid", [](const Config& c, const AttackContext& ctx) { return std::make_unique<HybridAttacker>(c, ctx); },
      traits);
}

}  // namespace splitleak::attack
