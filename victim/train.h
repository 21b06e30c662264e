#pragma once
// Victim training: cross-entropy on a labelled image set with Adam or SGD, seeded batches and
// dropout, checkpoints at every epoch end and every `checkpoint_seconds`, and resume that gives
// the same weights as an uninterrupted run (batch order and dropout masks are functions of
// (seed, epoch, step) only).
#include <functional>
#include <string>

#include "datasets/image_set.h"
#include "victim/execute.h"
#include "victim/graph.h"

namespace splitleak::victim {

// One training step's forward of a batch: the logits (for the training accuracy, (N, classes)) and
// the loss it minimises.
struct StepLoss {
  Tensor logits, loss;
};
// The loss of `graph` on a batch of images (on the training device) and their labels (floats), run
// with `options` (training mode, the step's generator). Empty: the cross-entropy of run(graph, images).
using Objective = std::function<StepLoss(const Graph& graph, const Tensor& images, const Tensor& labels,
                                         const RunOptions& options)>;

struct TrainOptions {
  int64_t epochs = 10;
  int64_t batch_size = 128;
  std::string optimizer = "adam";  // adam | sgd
  float lr = 1e-3f, momentum = 0.9f, weight_decay = 0.0f;
  bool lr_decay = false;           // linear decay to 0 over the second half of the steps
  uint64_t seed = 0;
  std::string checkpoint;          // path of the checkpoint file; empty: none
  bool resume = false;             // continue from `checkpoint` when it exists
  double checkpoint_seconds = 60;  // also checkpoint mid-epoch this often
  // Where the weights train (cpu | an OpenCL device): moved there in place for the run and back
  // to the host at its end; each batch is uploaded, its logits read back for the accuracy.
  Device device;
  Objective objective;  // empty: cross-entropy (NoPeek adds its distance correlation, victim/defence.h)
};

struct TrainProgress {
  int64_t epoch, epochs, step, steps_per_epoch;
  double loss;            // mean over the epoch so far
  double train_accuracy;  // over the epoch so far
  double images_per_second, eta_seconds;
  bool epoch_done;
  double test_accuracy;   // at an epoch end with a test set; < 0 otherwise
};

struct TrainResult {
  double test_accuracy = 0, final_loss = 0, seconds = 0;
  int64_t resumed_from_step = 0;  // global step the run resumed at (0: fresh)
};

// Trains graph's parameters in place on `train`, evaluating on `test` after each epoch. Both are
// read a batch at a time (an ImageSet converts, sharing its images).
TrainResult train_victim(Graph& graph, const datasets::ImageRows& train, const datasets::ImageRows& test,
                         const TrainOptions& options, const std::function<void(const TrainProgress&)>& progress = {});

// Top-1 accuracy in eval mode, computed where the graph's weights are (victim::device_of).
double accuracy(const Graph& graph, const datasets::ImageRows& set, int64_t batch_size = 256);

}  // namespace splitleak::victim
