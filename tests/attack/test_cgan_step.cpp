// The c-GAN step against PyTorch (tests/reference/torch_pix2pix.py): the same pix2pix
// architecture and starting weights, one D step then one G step; losses, gradients and updated
// weights within 1e-3.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "attack/cgan_step.h"
#include "core/error.h"
#include "core/hdf5_io.h"
#include "core/ops.h"
#include "core/random.h"
#include "tests/core/reference_paths.h"
#include "tests/support/compare.h"

namespace splitleak::attack {
namespace {

using testing::relative_error;

std::map<std::string, Tensor> reference() { return testing::reference_tensors("torch_pix2pix.h5"); }

// Copies prefix/<name> into every parameter and buffer of m (num_batches_tracked aside).
void load(nn::Module& m, const std::map<std::string, Tensor>& ref, const std::string& prefix) {
  nn::NamedTensors all = m.named_parameters();
  for (auto& nb : m.named_buffers()) all.push_back(nb);
  for (auto& [name, t] : all) {
    if (name.find("num_batches_tracked") != std::string::npos) continue;
    auto it = ref.find(prefix + name);
    ASSERT_NE(it, ref.end()) << "torch has no " << prefix << name;
    ASSERT_EQ(it->second.shape(), t.shape()) << name;
    t.copy_from(it->second);
  }
}

// Every parameter's grad() against torch's, relative to the largest magnitude.
void expect_grads(nn::Module& m, const std::map<std::string, Tensor>& ref, const std::string& prefix) {
  for (auto& [name, t] : m.named_parameters()) {
    ASSERT_TRUE(t.grad().defined()) << name;
    EXPECT_LT(relative_error(t.grad(), ref.at(prefix + name)), 1e-3) << prefix << name;
  }
}

void expect_close(nn::Module& m, const std::map<std::string, Tensor>& ref, const std::string& prefix) {
  for (auto& [name, t] : m.named_parameters()) {
    const Tensor& want = ref.at(prefix + name);
    double max_diff = 0;
    for (int64_t i = 0; i < t.numel(); ++i)
      max_diff = std::max(max_diff, static_cast<double>(std::fabs(t.data()[i] - want.data()[i])));
    EXPECT_LT(max_diff, 1e-3) << prefix << name;
  }
}

TEST(CganStep, OneDiscriminatorAndOneGeneratorStepMatchPyTorch) {
  const auto ref = reference();
  CganStepOptions o;
  o.generator = {8, 3, 5, 8, NormKind::Batch, false, 1};
  o.discriminator = {11, 8, 3, NormKind::Batch, 2};
  CganStep cgan(o);
  load(cgan.generator(), ref, "before/G/");
  load(cgan.discriminator(), ref, "before/D/");
  const Tensor condition = ref.at("condition"), real = ref.at("real");
  CganLosses losses;
  const Tensor fake = cgan.generate(condition);
  cgan.discriminator_step(condition, real, fake, losses);
  expect_grads(cgan.discriminator(), ref, "grad/D/");
  cgan.generator_step(condition, real, fake, losses);
  expect_grads(cgan.generator(), ref, "grad/G/");
  const std::vector<float> want = ref.at("losses").to_vector();
  EXPECT_NEAR(losses.d_real, want[0], 1e-3 * want[0]);
  EXPECT_NEAR(losses.d_fake, want[1], 1e-3 * want[1]);
  EXPECT_NEAR(losses.g_gan, want[2], 1e-3 * want[2]);
  EXPECT_NEAR(losses.g_l1, want[3], 1e-3 * want[3]);
  expect_close(cgan.discriminator(), ref, "after/D/");
  expect_close(cgan.generator(), ref, "after/G/");
  // The running statistics moved as torch's did (three D forwards, one G forward).
  nn::NamedTensors buffers = cgan.discriminator().named_buffers();
  for (const auto& [name, t] : buffers) {
    if (name.find("running_mean") != std::string::npos) {
      EXPECT_LT(relative_error(t, ref.at("after/D/" + name)), 1e-3) << name;
    }
  }
}

}  // namespace
}  // namespace splitleak::attack

namespace splitleak::attack {
namespace {

// The receptive field claimed by patch_receptive_field is the one the network has: the centre
// logit's gradient wrt the input covers exactly that many pixels per side.
TEST(PatchDiscriminator, ReceptiveFieldAndDefaultDepth) {
  for (int64_t n : {1, 2, 3}) {
    PatchDiscriminator d({1, 4, n, NormKind::Batch, 7});
    d.eval();  // batch norm with running statistics: per-pixel affine, so the field stays local
    const int64_t side = 160;
    Tensor x = Tensor::empty({1, 1, side, side});
    Generator gen(11);
    init::uniform_(x, -1.0f, 1.0f, gen);
    x.set_requires_grad(true);
    const Tensor y = d.forward(x);
    const int64_t h = y.size(2), w = y.size(3);
    Tensor pick = Tensor::zeros(y.shape());
    pick.data()[(h / 2) * w + w / 2] = 1.0f;
    ops::sum(ops::mul(y, pick)).backward();
    int64_t lo = side, hi = -1;
    for (int64_t r = 0; r < side; ++r)
      for (int64_t c = 0; c < side; ++c)
        if (x.grad().data()[r * side + c] != 0.0f) lo = std::min(lo, r), hi = std::max(hi, r);
    EXPECT_EQ(hi - lo + 1, patch_receptive_field(n)) << "n_layers " << n;
  }
  EXPECT_EQ(default_patch_layers(28), 1);
  EXPECT_EQ(default_patch_layers(64), 1);
  EXPECT_EQ(default_patch_layers(128), 2);
  EXPECT_EQ(default_patch_layers(224), 3);
  EXPECT_EQ(default_patch_layers(512), 3);
}

// judge(condition(c), image) splits the first conv over the condition's and the image's channels:
// the same logits and gradients as forward(concat(c, image)), up to the order of the sums.
TEST(PatchDiscriminator, JudgingBesideTheConditionTermEqualsTheConcatenatedForward) {
  PatchDiscriminator d({5, 8, 2, NormKind::Batch, 3});
  Generator gen(5);
  Tensor c = Tensor::empty({2, 3, 16, 16}), image = Tensor::empty({2, 2, 16, 16});
  init::uniform_(c, -1.0f, 1.0f, gen), init::uniform_(image, -1.0f, 1.0f, gen);
  image.set_requires_grad(true);
  const auto run = [&](bool split) {
    for (auto& [name, p] : d.named_parameters()) p.zero_grad();
    image.zero_grad();
    const Tensor logits = split ? d.judge(d.condition(c), image) : d.forward(ops::concat({c, image}, 1));
    ops::sum(ops::mul(logits, logits)).backward();
    std::vector<std::vector<float>> out{logits.to_vector(), image.grad().to_vector()};
    for (auto& [name, p] : d.named_parameters()) out.push_back(p.grad().to_vector());
    return out;
  };
  const auto whole = run(false), split = run(true);
  ASSERT_EQ(whole.size(), split.size());
  for (size_t t = 0; t < whole.size(); ++t) {
    ASSERT_EQ(whole[t].size(), split[t].size());
    for (size_t i = 0; i < whole[t].size(); ++i)
      ASSERT_NEAR(whole[t][i], split[t][i], 1e-4f * (1.0f + std::fabs(whole[t][i]))) << "tensor " << t << " at " << i;
  }
  EXPECT_THROW(d.judge(d.condition(c), Tensor::empty({2, 5, 16, 16})), splitleak::Error);
}

}  // namespace
}  // namespace splitleak::attack
