#include "attack/flip_augmentation.h"

#include <algorithm>

#include "core/autograd.h"
#include "core/error.h"
#include "core/random.h"
#include "victim/execute.h"

namespace splitleak::attack {

FlipAugmentation::FlipAugmentation(const victim::Graph& front, const Device& device)
    : front_(victim::on_device(front, device)), device_(device) {}

std::pair<Tensor, Tensor> FlipAugmentation::apply(const Tensor& images, uint64_t seed) const {
  Generator gen(seed);
  std::vector<bool> flip(static_cast<size_t>(images.size(0)));
  for (size_t n = 0; n < flip.size(); ++n) flip[n] = gen.uniform() < 0.5f;
  const Tensor mirrored = mirror_rows(images, flip).to(device_);
  autograd::NoGradGuard no_grad;
  Generator defence_draws(derive_seed(seed, 1));  // a random defence's, the attacker's own
  victim::RunOptions options;
  options.generator = &defence_draws;
  return {victim::run(front_, mirrored, options), mirrored};
}

Tensor mirror_rows(const Tensor& images, const std::vector<bool>& flip) {
  check(images.dim() == 4 && static_cast<size_t>(images.size(0)) == flip.size(),
        "mirror_rows: need (N, C, H, W) images and one flag per image");
  Tensor out = images.clone();
  const int64_t rows = images.size(1) * images.size(2), width = images.size(3);
  for (int64_t n = 0; n < images.size(0); ++n) {
    if (!flip[n]) continue;
    float* row = out.data() + n * rows * width;
    for (int64_t r = 0; r < rows; ++r) std::reverse(row + r * width, row + (r + 1) * width);
  }
  return out;
}

}  // namespace splitleak::attack
