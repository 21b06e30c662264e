#pragma once
// Reverse-mode autodiff, define-by-run. Every op output that depends on a tensor requiring a
// gradient gets a Node recording its inputs and a backward function; backward() walks the
// recorded graph from a scalar in reverse topological order.
//
// Gradient contract of every backward function (dlib's): it receives the gradient of the loss
// with respect to the op's output and ADDS (+=) its contribution into grad_inputs[i] for every
// input i whose slot is defined. An undefined slot means that input needs no gradient; the
// backward must skip it (and may skip the work that only it needs).
#include <functional>
#include <span>
#include <vector>

#include "core/tensor.h"

namespace splitleak::autograd {

using BackwardFn = std::function<void(const Tensor& grad_output, std::span<Tensor> grad_inputs)>;

struct Node {
  const char* name;
  std::vector<Tensor> inputs;  // in the order of grad_inputs
  BackwardFn backward;
};

// True unless inside a NoGradGuard on this thread.
bool grad_enabled();

// While alive, ops record nothing (inference, optimizer updates, evaluation).
class NoGradGuard {
 public:
  NoGradGuard();
  ~NoGradGuard();
  NoGradGuard(const NoGradGuard&) = delete;
  NoGradGuard& operator=(const NoGradGuard&) = delete;

 private:
  bool previous_;
};

// Links `output` to its inputs when grad is enabled and any input requires a gradient; returns
// output. The backward function is a required argument: an op without one does not compile.
Tensor record(Tensor output, std::vector<Tensor> inputs, const char* name, BackwardFn backward);

// Backward from a one-element tensor; accumulates (+=) into grad() of every reachable leaf that
// requires a gradient.
void backward(const Tensor& root);

// Gradients of `root` with respect to `wrt` (leaves or intermediate tensors), returned in order;
// leaves' grad() are not touched. An entry is zeros when root does not depend on it. Only the
// nodes on a path from root to a `wrt` tensor run, and their inputs off those paths get no
// gradient slot (a GAN's generator step computes no discriminator weight gradients). The
// backward starts from grad_root (root's shape), or from 1 for a one-element root when
// grad_root is undefined.
std::vector<Tensor> grad(const Tensor& root, const std::vector<Tensor>& wrt, const Tensor& grad_root = Tensor());

}  // namespace splitleak::autograd
