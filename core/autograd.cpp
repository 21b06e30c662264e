#include "core/autograd.h"

#include <unordered_map>
#include <unordered_set>

#include "core/error.h"
#include "core/ops/elementwise.h"
#include "core/profile.h"

namespace splitleak::autograd {
namespace {

thread_local bool t_grad_enabled = true;

// Reverse topological order of the nodes reachable from root (root's node first).
std::vector<Node*> reverse_topological(Node* root) {
  std::vector<Node*> post_order;
  std::unordered_set<Node*> visited;
  std::vector<std::pair<Node*, size_t>> stack{{root, 0}};
  visited.insert(root);
  while (!stack.empty()) {
    auto& [node, next] = stack.back();
    if (next < node->inputs.size()) {
      const Tensor& in = node->inputs[next++];
      Node* child = in.defined() ? in.impl()->grad_fn.get() : nullptr;
      if (child && visited.insert(child).second) stack.push_back({child, 0});
    } else {
      post_order.push_back(node);
      stack.pop_back();
    }
  }
  return {post_order.rbegin(), post_order.rend()};
}

// Gradient buffers: non-leaf tensors are keyed by their producing node, leaves by their impl.
struct GradBuffers {
  std::unordered_map<Node*, Tensor> by_node;
  std::unordered_map<TensorImpl*, Tensor> by_leaf;

  Tensor& slot(const Tensor& t) {
    if (Node* n = t.impl()->grad_fn.get()) {
      auto [it, fresh] = by_node.try_emplace(n);
      if (fresh) it->second = Tensor::zeros(t.shape(), t.device());
      return it->second;
    }
    auto [it, fresh] = by_leaf.try_emplace(t.impl());
    if (fresh) it->second = Tensor::zeros(t.shape(), t.device());
    return it->second;
  }
};

// The tensors a backward must reach: all that require a gradient (targets null), or only those
// in `targets` (autograd::grad's). Gradients flow into a target (a leaf, or a non-leaf through its
// node) and through `through`: the nodes with an input on a path down to a target. Only those
// nodes run, and their inputs off those paths get no gradient slot, so their ops skip that work
// (the discriminator's weight gradients when only the generator's are asked for).
struct Reach {
  const std::unordered_set<TensorImpl*>* targets = nullptr;
  std::unordered_set<Node*> target_nodes, through;

  bool wanted(const Tensor& in) const {
    if (!in.defined() || !in.requires_grad()) return false;
    if (!targets) return true;
    Node* n = in.impl()->grad_fn.get();
    return n ? through.contains(n) || target_nodes.contains(n) : targets->contains(in.impl());
  }
  bool runs(Node* node) const { return !targets || through.contains(node); }
};

// `order` root first; nodes after all their consumers, so walked backwards inputs come first.
Reach reach_of(const std::vector<Node*>& order, const std::unordered_set<TensorImpl*>* targets) {
  Reach r;
  r.targets = targets;
  if (!targets) return r;
  for (TensorImpl* t : *targets)
    if (t->grad_fn) r.target_nodes.insert(t->grad_fn.get());
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    bool leads = false;
    for (const Tensor& in : (*it)->inputs) leads = leads || r.wanted(in);
    if (leads) r.through.insert(*it);
  }
  return r;
}

// Seeds root's gradient with grad_root (or 1 for a one-element root) and walks the graph toward
// `targets` (every leaf that requires a gradient when null). A node that is itself a target keeps
// its gradient in by_node.
GradBuffers run_backward(const Tensor& root, const std::unordered_set<TensorImpl*>* targets, const Tensor& grad_root) {
  check(root.defined(), "backward from an undefined tensor");
  if (grad_root.defined())
    check(grad_root.shape() == root.shape(), "backward: gradient " + shape_str(grad_root.shape()) + " for output " +
                                                 shape_str(root.shape()));
  else
    check(root.numel() == 1, "backward needs a one-element tensor or an explicit gradient, got shape " +
                                 shape_str(root.shape()));
  GradBuffers buffers;
  Node* root_node = root.impl()->grad_fn.get();
  if (!root_node) {  // a leaf root: its gradient is the seed, returned to the caller as a copy
    if (root.requires_grad()) {
      if (grad_root.defined()) buffers.slot(root).copy_from(grad_root);
      else buffers.slot(root).fill(1.0f);
    }
    return buffers;
  }
  // The root's gradient is only read by its node's backward, so the caller's tensor serves as is.
  if (grad_root.defined()) buffers.by_node[root_node] = grad_root;
  else buffers.slot(root).fill(1.0f);
  NoGradGuard no_grad;  // backward functions compute with plain ops
  const std::vector<Node*> order = reverse_topological(root_node);
  const Reach reach = reach_of(order, targets);
  for (Node* node : order) {
    auto found = buffers.by_node.find(node);
    if (found == buffers.by_node.end()) continue;  // no gradient flowed here
    // A non-leaf's gradient is dropped once consumed unless the caller asked for it.
    const bool keep = reach.target_nodes.contains(node);
    if (!reach.runs(node)) {  // leads to no target
      if (!keep) buffers.by_node.erase(node);
      continue;
    }
    const profile::BackwardTimer timer(node->name);
    Tensor grad_output = found->second;
    std::vector<Tensor> grad_inputs(node->inputs.size());
    for (size_t i = 0; i < node->inputs.size(); ++i)
      if (reach.wanted(node->inputs[i])) grad_inputs[i] = buffers.slot(node->inputs[i]);
    node->backward(grad_output, grad_inputs);
    if (!keep) buffers.by_node.erase(node);
  }
  return buffers;
}

}  // namespace

bool grad_enabled() { return t_grad_enabled; }

NoGradGuard::NoGradGuard() : previous_(t_grad_enabled) { t_grad_enabled = false; }
NoGradGuard::~NoGradGuard() { t_grad_enabled = previous_; }

Tensor record(Tensor output, std::vector<Tensor> inputs, const char* name, BackwardFn backward) {
  profile::forward_done(name);
  if (!t_grad_enabled) return output;
  bool any = false;
  for (const Tensor& in : inputs) any = any || (in.defined() && in.requires_grad());
  if (!any) return output;
  auto node = std::make_shared<Node>();
  node->name = name;
  node->inputs = std::move(inputs);
  node->backward = std::move(backward);
  output.impl()->grad_fn = std::move(node);
  output.impl()->requires_grad = true;
  return output;
}

void backward(const Tensor& root) {
  GradBuffers buffers = run_backward(root, nullptr, Tensor());
  for (auto& [leaf, g] : buffers.by_leaf) {
    if (leaf->grad) {
      Tensor acc(leaf->grad);
      ops::add_into(acc, g);
    } else {
      leaf->grad = g.impl_ptr();
    }
  }
}

std::vector<Tensor> grad(const Tensor& root, const std::vector<Tensor>& wrt, const Tensor& grad_root) {
  std::unordered_set<TensorImpl*> keep;
  for (const Tensor& t : wrt) {
    check(t.defined() && t.requires_grad(), "autograd::grad: every tensor asked for must require a gradient");
    keep.insert(t.impl());
  }
  GradBuffers buffers = run_backward(root, &keep, grad_root);
  std::vector<Tensor> out;
  for (const Tensor& t : wrt) {
    Node* n = t.impl()->grad_fn.get();
    Tensor g;
    if (n) {
      auto it = buffers.by_node.find(n);
      if (it != buffers.by_node.end()) g = it->second;
    } else {
      auto it = buffers.by_leaf.find(t.impl());
      if (it != buffers.by_leaf.end()) g = it->second;
    }
    out.push_back(g.defined() ? g : Tensor::zeros(t.shape(), t.device()));
  }
  return out;
}

}  // namespace splitleak::autograd
