// Optimizers against torch.optim on given gradients (reference from torch_training_parity.py),
// learning-rate schedules, and optimizer state round trips.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/hdf5_io.h"
#include "core/optim/optimizer.h"
#include "core/parallel.h"
#include "core/random.h"
#include "tests/core/reference_paths.h"

namespace splitleak::testing {
namespace {

// The reference file's tensors by name, read once.
std::map<std::string, Tensor> reference() {
  std::map<std::string, Tensor> all;
  for (auto& [n, t] : h5::read_tensors(reference_file("torch_parity.h5"))) all.emplace(n, t);
  return all;
}

float option(const std::map<std::string, Tensor>& ref, const std::string& name, const std::string& key, float fallback) {
  auto it = ref.find("optim/" + name + "/options/" + key);
  return it == ref.end() ? fallback : it->second.item();
}

class TorchOptimizer : public ::testing::TestWithParam<std::string> {};

TEST_P(TorchOptimizer, SixStepsMatch) {
  const std::string name = GetParam();
  const std::map<std::string, Tensor> file = reference();
  const Tensor initial = file.at("optim/" + name + "/initial");
  Tensor p = initial.clone();
  const Tensor grads = file.at("optim/" + name + "/grads");
  const Tensor expected = file.at("optim/" + name + "/final");
  p.set_requires_grad(true);
  std::unique_ptr<optim::Optimizer> opt;
  if (name.rfind("adam", 0) == 0) {
    optim::AdamOptions o;
    o.lr = option(file, name, "lr", 0), o.beta1 = option(file, name, "beta1", 0), o.beta2 = option(file, name, "beta2", 0);
    o.eps = option(file, name, "eps", 0), o.weight_decay = option(file, name, "weight_decay", 0);
    o.decoupled_weight_decay = name == "adamw";
    opt = std::make_unique<optim::Adam>(nn::NamedTensors{{"p", p}}, o);
  } else {
    optim::SgdOptions o;
    o.lr = option(file, name, "lr", 0), o.momentum = option(file, name, "momentum", 0);
    o.dampening = option(file, name, "dampening", 0), o.weight_decay = option(file, name, "weight_decay", 0);
    o.nesterov = name == "sgd_nesterov";
    opt = std::make_unique<optim::Sgd>(nn::NamedTensors{{"p", p}}, o);
  }
  const int64_t n = p.numel();
  for (int64_t step = 0; step < grads.size(0); ++step) {
    p.impl()->grad = grads.slice(step, step + 1).view({n}).clone().impl_ptr();
    opt->step();
  }
  double moved = 0.0;
  for (int64_t i = 0; i < n; ++i) {
    EXPECT_NEAR(p.data()[i], expected.data()[i], 1e-5 + 1e-5 * std::abs(expected.data()[i])) << name << " element " << i;
    moved = std::max(moved, static_cast<double>(std::abs(p.data()[i] - initial.data()[i])));
  }
  EXPECT_GT(moved, 1e-3) << "the parameter must move for the comparison to mean anything";
}

INSTANTIATE_TEST_SUITE_P(Torch, TorchOptimizer,
                         ::testing::Values("adam_wd", "adamw", "sgd_momentum", "sgd_nesterov", "sgd_plain"));

// Three steps of the optimizer make_optimizer(p) builds, on `threads` threads, from `initial`
// with gradient `grad` each step.
template <class MakeOptimizer>
Tensor three_steps(const Tensor& initial, const Tensor& grad, int threads, const MakeOptimizer& make_optimizer) {
  const int before = num_threads();
  set_num_threads(threads);
  Tensor p = initial.clone();
  p.set_requires_grad(true);
  auto optimizer = make_optimizer(p);
  for (int step = 0; step < 3; ++step) {
    p.impl()->grad = grad.clone().impl_ptr();
    optimizer.step();
  }
  set_num_threads(before);
  return p;
}

// An update element by element must give the same bits under any split over threads, at any
// offset (a vector loop's body against its tail): 1 thread against 3, for each variant.
template <class MakeOptimizer>
void expect_same_bits_whatever_the_thread_count(const MakeOptimizer& make_optimizer, const std::string& variant) {
  const int64_t n = 4099;
  Generator gen(7);
  Tensor initial = Tensor::empty({n}), grad = Tensor::empty({n});
  init::normal_(initial, 0.0f, 1.0f, gen), init::normal_(grad, 0.0f, 1.0f, gen);
  const Tensor one = three_steps(initial, grad, 1, make_optimizer), three = three_steps(initial, grad, 3, make_optimizer);
  for (int64_t i = 0; i < n; ++i) ASSERT_EQ(one.data()[i], three.data()[i]) << "element " << i << ", " << variant;
  EXPECT_NE(one.data()[0], initial.data()[0]) << variant;
}

TEST(Adam, SameBitsWhateverTheThreadCount) {
  for (const auto& decay : std::vector<std::pair<float, bool>>{{0.0f, false}, {0.1f, false}, {0.1f, true}}) {
    optim::AdamOptions o;
    o.weight_decay = decay.first, o.decoupled_weight_decay = decay.second;
    expect_same_bits_whatever_the_thread_count([&](const Tensor& p) { return optim::Adam({{"p", p}}, o); },
                                               "weight decay " + std::to_string(decay.first) +
                                                   (decay.second ? " decoupled" : ""));
  }
}

TEST(Sgd, SameBitsWhateverTheThreadCount) {
  // plain; momentum with dampening and weight decay; Nesterov.
  const optim::SgdOptions variants[] = {{0.1f, 0.0f, 0.0f, 0.0f, false},
                                        {0.1f, 0.9f, 0.1f, 0.01f, false},
                                        {0.1f, 0.9f, 0.0f, 0.0f, true}};
  for (const optim::SgdOptions& o : variants)
    expect_same_bits_whatever_the_thread_count([&](const Tensor& p) { return optim::Sgd({{"p", p}}, o); },
                                               "momentum " + std::to_string(o.momentum) + (o.nesterov ? " nesterov" : ""));
}

TEST(LrSchedule, ConstantAndLinearDecay) {
  optim::LrSchedule constant{optim::LrSchedule::Kind::Constant, 0.5f, 0, 0};
  EXPECT_EQ(constant.lr_at(0), 0.5f);
  EXPECT_EQ(constant.lr_at(1000), 0.5f);
  // pix2pix: 100 constant epochs then 100 decaying ones.
  optim::LrSchedule decay{optim::LrSchedule::Kind::LinearDecay, 2e-4f, 100, 100};
  EXPECT_FLOAT_EQ(decay.lr_at(0), 2e-4f);
  EXPECT_FLOAT_EQ(decay.lr_at(98), 2e-4f);
  EXPECT_FLOAT_EQ(decay.lr_at(99), 2e-4f * (1.0f - 0.0f / 101.0f));
  EXPECT_FLOAT_EQ(decay.lr_at(100), 2e-4f * (1.0f - 1.0f / 101.0f));
  EXPECT_FLOAT_EQ(decay.lr_at(199), 2e-4f * (1.0f - 100.0f / 101.0f));
  EXPECT_FLOAT_EQ(decay.lr_at(500), 0.0f);
}

TEST(OptimizerState, RoundTripContinuesIdentically) {
  Tensor a = Tensor::from_vector({3}, {1, 2, 3}), b = a.clone();
  a.set_requires_grad(true), b.set_requires_grad(true);
  optim::Adam first({{"w", a}}, {}), second({{"w", b}}, {});
  auto step = [](optim::Optimizer& o, Tensor& p, float g) {
    p.impl()->grad = Tensor::full({3}, g).impl_ptr();
    o.step();
  };
  step(first, a, 0.5f), step(first, a, -0.25f);
  step(second, b, 0.5f);
  optim::Adam restored({{"w", b}}, {});
  restored.load_state(second.state());
  step(restored, b, -0.25f);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(a.data()[i], b.data()[i]);
  EXPECT_THROW(restored.load_state({}), Error);
}

}  // namespace
}  // namespace splitleak::testing
