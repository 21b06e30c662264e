#pragma once
// Losses with mean reduction, 0-d results. Gradients accumulate (+=) into the slots of the
// differentiable arguments (logits/prediction, and `target` for l1/mse when it requires grad).
#include "core/tensor.h"

namespace splitleak::ops {

// logits (N, C); labels (N) holding class indices as floats. Mean over N of -log_softmax[label].
Tensor cross_entropy(const Tensor& logits, const Tensor& labels);
// Mean of max(x, 0) - x*t + log(1 + exp(-|x|)); targets are constants.
Tensor bce_with_logits(const Tensor& logits, const Tensor& targets);
Tensor l1_loss(const Tensor& prediction, const Tensor& target);   // mean |p - t|; sign(0) = 0
Tensor mse_loss(const Tensor& prediction, const Tensor& target);  // mean (p - t)^2
// Total variation of images x (N, C, H, W) (Mahendran & Vedaldi's TV with beta = 2): the sum of
// squared differences between vertical and horizontal neighbours, averaged over the batch.
// Gradient: dx += 2 * (differences into x) / N.
Tensor total_variation(const Tensor& x);
// Distance correlation (Székely, Rizzo & Bakirov 2007) between the rows of x (N, ...) and z
// (N, ...), N >= 2, each row flattened: sqrt(dCov²(x, z) / sqrt(dVar²(x) dVar²(z))) from the
// double-centred Euclidean distance matrices; 0-d, in [0, 1]. NoPeek's loss (Vepakomma et al.
// 2020). Composed of differentiable ops (linear, power, broadcast arithmetic, mean), so it runs
// and differentiates on every device they do; a zero distance (the diagonal, coincident rows)
// passes no gradient. attack::distance_correlation is the same value in double, without autograd.
Tensor distance_correlation(const Tensor& x, const Tensor& z);

}  // namespace splitleak::ops
