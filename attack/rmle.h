#pragma once
// He et al. 2019's regularised maximum likelihood inversion, shared by `rmle` (from grey) and
// `hybrid` (from a learned inverter's reconstruction).
#include "core/tensor.h"
#include "victim/graph.h"

namespace splitleak::attack {

struct RmleOptions {
  int64_t iterations = 300;
  float lr = 0.05f, tv_weight = 0.05f;
};

// Returns the images x (start's shape, (N, C, H, W) in [0, 1], on start's device) after
// `iterations` Adam steps on mse(front(x), target) + tv_weight * TV(x) / (C H W) from `start`,
// x clamped to [0, 1] after every step. `front` (eval mode) and `target` (N, feature shape) live
// on start's device.
Tensor rmle_invert(const victim::Graph& front, const Tensor& target, const Tensor& start, const RmleOptions& options);

// rmle_invert of host `targets` (N, feature shape...) from host `starts` (N, C, H, W), `batch`
// rows at a time on the device of `front`; the images on the host.
Tensor rmle_invert_in_batches(const victim::Graph& front, const Tensor& targets, const Tensor& starts,
                              const RmleOptions& options, int64_t batch);

}  // namespace splitleak::attack
