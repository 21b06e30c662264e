#pragma once
// What a defence that trains fine-tunes with (victim/defence.h's DefenceSpec::finetune): the
// objectives victim::train_victim minimises for NoPeek and for a back partition fine-tuned on
// defended features.
#include "victim/graph.h"
#include "victim/train.h"

namespace splitleak::victim {

// NoPeek (Vepakomma et al. 2020): the cross-entropy of the victim's logits plus
// weight x ops::distance_correlation(images, the value of node `cut`), on the training batch.
Objective nopeek_objective(int cut, double weight);

// The back partition's cross-entropy on the defended features of the batch: `defended_front` (on
// the training device) runs in eval mode without autograd, its random defence drawing from the
// step's generator, and the graph being trained (the back partition) runs on its output.
Objective defended_features_objective(Graph defended_front);

// A copy of `graph` whose weights are its own (cloned), so fine-tuning it leaves `graph` unchanged.
Graph with_own_weights(const Graph& graph);

}  // namespace splitleak::victim
