#include "victim/defence_training.h"

#include "core/autograd.h"
#include "core/error.h"
#include "core/ops.h"
#include "victim/execute.h"

namespace splitleak::victim {

Objective nopeek_objective(int cut, double weight) {
  return [cut, weight](const Graph& graph, const Tensor& images, const Tensor& labels, const RunOptions& options) {
    check(cut >= 1 && cut < static_cast<int>(graph.nodes.size()), "nopeek: node " + std::to_string(cut) +
                                                                        " is not a cut of the victim");
    const std::vector<Tensor> values = run_keeping(graph, images, {cut}, options);
    const Tensor leakage = ops::distance_correlation(images, values[1]);
    return StepLoss{values[0], ops::add(ops::cross_entropy(values[0], labels),
                                        ops::mul_scalar(leakage, static_cast<float>(weight)))};
  };
}

Objective defended_features_objective(Graph defended_front) {
  return [front = std::move(defended_front)](const Graph& back, const Tensor& images, const Tensor& labels,
                                             const RunOptions& options) {
    Tensor features;
    {
      autograd::NoGradGuard no_grad;
      features = run(front, images, {false, options.generator, nullptr, {}});
    }
    const Tensor logits = run(back, features, options);
    return StepLoss{logits, ops::cross_entropy(logits, labels)};
  };
}

Graph with_own_weights(const Graph& graph) {
  Graph out = graph;
  for (auto& [name, t] : out.tensors) t = t.clone();
  return out;
}

}  // namespace splitleak::victim
