#include "attack/latent_search.h"

#include <cmath>
#include <limits>

#include "core/autograd.h"
#include "core/error.h"
#include "core/ops.h"
#include "core/optim/optimizer.h"
#include "victim/execute.h"

namespace splitleak::attack {
namespace {

// Per row i of host (N, ...) tensors: ‖seen_i − target_i‖² / ‖target_i‖².
std::vector<double> relative_errors(const Tensor& seen, const Tensor& target) {
  const std::vector<float> a = seen.to_vector(), b = target.to_vector();
  const size_t rows = static_cast<size_t>(target.size(0)), per_row = b.size() / rows;
  std::vector<double> errors(rows);
  for (size_t r = 0; r < rows; ++r) {
    double diff = 0, energy = 0;
    for (size_t k = r * per_row; k < (r + 1) * per_row; ++k) {
      diff += (static_cast<double>(a[k]) - b[k]) * (static_cast<double>(a[k]) - b[k]);
      energy += static_cast<double>(b[k]) * b[k];
    }
    errors[r] = diff / std::max(energy, 1e-30);
  }
  return errors;
}

// `iterations` Adam steps of size lr on the leaf `x` (requires grad) minimising loss_of(x); only
// x's grad is set.
template <typename Loss>
void descend(Tensor& x, float lr, int64_t iterations, Loss loss_of) {
  optim::AdamOptions a;
  a.lr = lr;
  optim::Adam opt({{"x", x}}, a);
  for (int64_t it = 0; it < iterations; ++it) {
    x.set_grad(autograd::grad(loss_of(x), {x})[0]);
    opt.step();
  }
}

}  // namespace

Tensor latent_search(LatentGenerator& g, const victim::Graph& front, const Tensor& target, const LatentSearchOptions& o) {
  check(o.iterations >= 0 && o.restarts >= 1 && o.block_fraction >= 0 && o.block_fraction <= 1,
        "latent search: iterations >= 0, restarts >= 1 and block_fraction in [0, 1]");
  g.eval();
  const int64_t rows = target.size(0);
  const int64_t block_iterations = std::llround(o.block_fraction * static_cast<double>(o.iterations));
  const auto feature_fit = [&](const Tensor& images) { return ops::mse_loss(victim::run(front, images), target); };
  const Tensor host_target = target.to(Device{});
  Tensor best;
  std::vector<double> best_error(static_cast<size_t>(rows), std::numeric_limits<double>::infinity());
  for (int64_t r = 0; r < o.restarts; ++r) {
    Tensor z = standard_normal({rows, g.options.latent_dim}, o.seed * 0x9E3779B97F4A7C15ull + static_cast<uint64_t>(r) + 1,
                               target.device());
    z.set_requires_grad(true);
    descend(z, o.lr, o.iterations - block_iterations, [&](const Tensor& latent) {
      const Tensor prior = ops::mul_scalar(ops::mean(ops::mul(latent, latent)), o.latent_weight);
      return ops::add(feature_fit(g.forward(latent)), prior);
    });
    Tensor h;
    {
      autograd::NoGradGuard no_grad;
      h = g.head(z.detach()).detach();
    }
    h.set_requires_grad(true);
    descend(h, o.block_lr, block_iterations, [&](const Tensor& block) { return feature_fit(g.tail(block)); });
    autograd::NoGradGuard no_grad;
    const Tensor images = g.tail(h.detach());
    const std::vector<double> errors = relative_errors(victim::run(front, images).to(Device{}), host_target);
    const Tensor host_images = images.to(Device{});
    if (!best.defined()) best = Tensor::empty(host_images.shape());
    for (int64_t i = 0; i < rows; ++i) {
      if (!(errors[static_cast<size_t>(i)] < best_error[static_cast<size_t>(i)]) && r > 0) continue;
      best_error[static_cast<size_t>(i)] = errors[static_cast<size_t>(i)];
      best.slice(i, i + 1).copy_from(host_images.slice(i, i + 1));
    }
  }
  return best;
}

}  // namespace splitleak::attack
