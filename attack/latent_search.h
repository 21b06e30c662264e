#pragma once
// The inversion of `gan_prior` (after GLASS, Li et al. 2023): find the image on a learned
// generator's range whose features at the cut match the observed ones.
#include "attack/latent_generator.h"
#include "victim/graph.h"

namespace splitleak::attack {

struct LatentSearchOptions {
  int64_t iterations = 200;     // Adam steps per restart, both phases together
  double block_fraction = 0.25; // the last fraction of them optimise the first block's output
  int64_t restarts = 4;         // independent starts z ~ N(0, I); each row keeps its best
  float lr = 0.05f;             // Adam's step size on z
  float block_lr = 0.01f;       // ... and on the first block's output
  float latent_weight = 1e-3f;  // weight of mean(z²), which keeps z where the prior was trained
  uint64_t seed = 0;            // the starts
};

// Images (N, C, H, W) in [0, 1] on the host for `target` (N, feature shape...), on the device
// of `generator` and `front`. Per restart: Adam on z for the first phase minimising
// mse(front(G(z)), target) + latent_weight * mean(z²); then Adam on h = head(z) through the tail
// minimising mse(front(tail(h)), target). Each row keeps the restart whose images give the
// smallest ‖front(x) − v‖² / ‖v‖². The generator is put in eval mode; only z and h are
// optimised (no parameter's grad is touched).
Tensor latent_search(LatentGenerator& generator, const victim::Graph& front, const Tensor& target,
                     const LatentSearchOptions& options);

}  // namespace splitleak::attack
