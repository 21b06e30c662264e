// A small convnet trained 20 Adam steps here and in PyTorch from the same initial weights on the
// same minibatches: the losses agree within 1e-3 relative at every step.
#include <gtest/gtest.h>

#include <cmath>

#include "core/checkpoint.h"
#include "core/hdf5_io.h"
#include "core/nn/layers.h"
#include "core/ops.h"
#include "core/optim/optimizer.h"
#include "core/parallel.h"
#include "tests/core/reference_paths.h"

namespace splitleak::testing {
namespace {

std::shared_ptr<nn::Sequential> small_convnet() {
  Generator gen(0);  // the weights are replaced by torch's below
  auto net = std::make_shared<nn::Sequential>();
  ops::Conv2dOptions pad1;
  pad1.padding = {1, 1};
  net->add(std::make_shared<nn::Conv2d>(1, 8, 3, pad1, false, gen));  // a bias before batch norm gets only rounding noise
  net->add(std::make_shared<nn::BatchNorm2d>(8));
  net->add(std::make_shared<nn::Functional>("relu", [](const Tensor& x) { return ops::relu(x); }));
  net->add(std::make_shared<nn::Functional>("pool", [](const Tensor& x) { return ops::max_pool2d(x, {}); }));
  net->add(std::make_shared<nn::Functional>("flatten", [](const Tensor& x) { return ops::flatten(x); }));
  net->add(std::make_shared<nn::Linear>(8 * 7 * 7, 10, true, gen));
  return net;
}

TEST(TrainingParity, TwentyAdamStepsMatchPyTorch) {
  const std::string file = reference_file("torch_parity.h5");
  auto net = small_convnet();
  load_checkpoint(file, *net);
  const Tensor x = h5::read_tensor(file, "data/x"), y = h5::read_tensor(file, "data/y");
  const Tensor torch_losses = h5::read_tensor(file, "losses");
  const float lr = h5::read_tensor(file, "config/lr").item();
  const int64_t batch = static_cast<int64_t>(h5::read_tensor(file, "config/batch").item());
  optim::AdamOptions o;
  o.lr = lr;
  optim::Adam adam(net->named_parameters(), o);
  net->train();
  for (int64_t step = 0; step < torch_losses.numel(); ++step) {
    Tensor loss = ops::cross_entropy(net->forward(x.slice(step * batch, (step + 1) * batch)),
                                     y.slice(step * batch, (step + 1) * batch));
    adam.zero_grad();
    loss.backward();
    adam.step();
    const float ref = torch_losses.data()[step];
    EXPECT_LE(std::abs(loss.item() - ref), 1e-3 * std::abs(ref)) << "step " << step;
  }
  // The losses must have moved, or the comparison says little.
  EXPECT_LT(torch_losses.data()[torch_losses.numel() - 1], torch_losses.data()[0]);
  for (auto& [name, p] : net->named_parameters()) {
    const Tensor ref = h5::read_tensor(file, "final/" + name);
    double diff = 0.0, scale = 1e-6;
    for (int64_t i = 0; i < ref.numel(); ++i) {
      diff = std::max(diff, static_cast<double>(std::abs(p.data()[i] - ref.data()[i])));
      scale = std::max(scale, static_cast<double>(std::abs(ref.data()[i])));
    }
    EXPECT_LE(diff / scale, 1e-3) << "final " << name;
  }
}

}  // namespace
}  // namespace splitleak::testing
