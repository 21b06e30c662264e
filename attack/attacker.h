#pragma once
// The attacker interface: learn to turn the feature maps exposed at a cut back into inputs.
// Attackers are made by name from a registry (each attacker file defines a register_*()
// function, and make_attacker calls them all on first use: attacker.cpp), from their
// settings (attack/config.h) and the context of the cut they attack.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "attack/config.h"
#include "core/samples.h"
#include "core/tensor.h"
#include "victim/graph.h"

namespace splitleak::attack {

// What an attacker knows about the cut.
struct AttackContext {
  Shape feature_shape;  // (C, h, w) or (D) without the batch
  Shape image_shape;    // (C, H, W) of the victim's inputs
  // The front partition (white-box attackers only), as the enclave runs it: with a defence at
  // the cut, the defence is its last node. Attackers that differentiate through it take
  // victim::expected_front of it; those that make training pairs with it draw its randomness
  // from their own seeds.
  const victim::Graph* front = nullptr;
  // Where learned attackers keep their networks, train and reconstruct. Their inputs stay on the
  // host: each training batch is uploaded, reconstructions come back to the host.
  Device device;
};

struct FitProgress {
  int64_t step = 0, steps = 0;
  double loss = 0;  // the attacker's main loss, mean over the last step's batch
};

struct FitOptions {
  int64_t steps = 1000;      // optimisation steps (each one batch); with `plateaued`: the cap
  int64_t batch_size = 16;
  uint64_t seed = 0;
  std::string checkpoint;    // file to checkpoint into (empty: none); resume continues from it
  int64_t checkpoint_every = 200;
  std::function<void(const FitProgress&)> progress;
  // A learned attacker calls evaluate(step) after each step listed in evaluate_at (ascending),
  // before that step's checkpoint, and trains on as if it had not: evaluate may reconstruct.
  std::vector<int64_t> evaluate_at;
  std::function<void(int64_t step)> evaluate;
  // An automatic budget (attack/step_budget.h) when `plateaued` is set: after each step listed in
  // plateau_checks (ascending) from min_steps on, and after its evaluation, the learned attacker
  // asks plateaued(step) whether its validation curve has flattened there. plateaued depends on
  // the validation scores up to that step alone (a resume replays it).
  int64_t min_steps = 0;
  std::vector<int64_t> plateau_checks;
  std::function<bool(int64_t step)> plateaued;
  // A fixed budget with the automatic budget's schedule: the rate cut after each of these steps.
  std::vector<int64_t> lr_drops;
};

class Attacker {
 public:
  virtual ~Attacker() = default;
  virtual std::string kind() const = 0;
  // Learns from auxiliary pairs: row i of features (feature_shape) with row i of images
  // (image_shape), read a batch at a time (the pairs may live on disk).
  // White-box attackers that need no training return at once.
  virtual void fit(const Samples& features, const Samples& images, const FitOptions& options) = 0;
  // (N, feature_shape...) -> (N, image_shape...) in [0, 1].
  virtual Tensor reconstruct(const Tensor& features) = 0;
  // The learned state (weights, optimiser state, steps done) to one HDF5 file, written
  // atomically; load restores it into an attacker made with the same kind and settings, which
  // then reconstructs as the saved one did (and a fit with more steps continues from it). Errors
  // name the file and the entry. Attackers that learn nothing save a file holding their kind.
  virtual void save(const std::string& path) const = 0;
  virtual void load(const std::string& path) = 0;
  // The bytes of the tensors save() writes (weights, buffers, optimiser state once a step has run):
  // what its checkpoint holds on disk, before compression. 0 for attackers that learn nothing.
  virtual int64_t state_bytes() const { return 0; }
};

using AttackerFactory = std::function<std::unique_ptr<Attacker>(const Config&, const AttackContext&)>;

// What the runner and the dry run know of a kind before making one.
struct AttackerTraits {
  // fit learns from the pairs: restarts (seeds), the validation split and the convergence check
  // apply, and fit honours FitOptions::evaluate.
  bool learns = true;
  // reconstruct optimises each batch of feature maps (rmle, hybrid, gan_prior): the settings
  // holding the iteration count and the batch size, and their defaults. The dry run times one
  // iteration of one batch and scales. Empty iterations_key: reconstruct is one pass.
  std::string iterations_key;
  int64_t default_iterations = 0;
  std::string batch_key;
  int64_t default_batch = 0;
};

bool register_attacker(const std::string& kind, AttackerFactory factory, AttackerTraits traits = {});
// The built-in attackers (cgan, inverse_net; rmle, hybrid, gan_prior); make_attacker registers
// them on first use.
void register_inversion_attackers();
void register_white_box_attackers();
void register_hybrid_attacker();
void register_gan_prior_attacker();
std::vector<std::string> attacker_kinds();
// Throws Error naming the kind (and the known ones) when it is not registered.
const AttackerTraits& attacker_traits(const std::string& kind);
// Throws Error naming the kind (and the known ones) when it is not registered, and the first
// unknown setting.
std::unique_ptr<Attacker> make_attacker(const std::string& kind, const Config& config, const AttackContext& context);

}  // namespace splitleak::attack
