// The attackers on the machine's OpenCL device (PoCL here) against the CPU engine: the same seed
// and 200 steps give held-out SSIM within 0.01 of each other, and rMLE through the front
// partition likewise (gan_prior within 0.03); the same device and seed give the same bits; a c-GAN training step on the
// device moves nothing between host and device but its four scalar losses.
#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "attack/attacker.h"
#include "attack/cgan_step.h"
#include "attack/metrics.h"
#include "tests/attack/lenet_cut.h"
#include "core/autograd.h"
#include "core/opencl/context.h"
#include "core/random.h"
#include "datasets/fashion_mnist.h"
#include "victim/execute.h"
#include "victim/partition.h"
#include "victim/zoo/zoo.h"

namespace splitleak::attack {
namespace {

const Device kDevice = parse_device("opencl");

using testing::mean;

// LeNet-5's relu1 features of the first `count` Fashion-MNIST test images.
struct LeNetRelu1 : testing::LeNetCut {
  explicit LeNetRelu1(int64_t count) : LeNetCut("relu1", count) {}
};

// A small pix2pix c-GAN (4 feature channels, 32x32 images, widths 8) on the device.
CganStepOptions small_cgan() {
  CganStepOptions o;
  o.generator = {4, 3, 5, 8, NormKind::Batch, true, 1};
  o.discriminator = {7, 8, 3, NormKind::Batch, 2};
  o.device = kDevice;
  return o;
}

// Random features (2, 4, 32, 32) and images (2, 3, 32, 32) in [0, 1] from `seed`, on the device.
std::pair<Tensor, Tensor> random_batch(uint64_t seed) {
  Generator gen(seed);
  Tensor features = Tensor::empty({2, 4, 32, 32}), images = Tensor::empty({2, 3, 32, 32});
  init::uniform_(features, 0.0f, 1.0f, gen), init::uniform_(images, 0.0f, 1.0f, gen);
  return {features.to(kDevice), images.to(kDevice)};
}

// Held-out SSIM of `kind` trained 200 steps on LeNet-5's relu1 features of Fashion-MNIST, on `device`.
double held_out_ssim(const std::string& kind, const Device& device, const Tensor& features, const Tensor& images) {
  const AttackContext ctx{{6, 28, 28}, {1, 28, 28}, nullptr, device};
  std::map<std::string, std::string> small{{"ngf", "8"}, {"stem_channels", "8"}, {"ndf", "8"}, {"seed", "5"}};
  if (kind != "cgan") small.erase("ndf");
  auto attacker = make_attacker(kind, Config("test", small), ctx);
  FitOptions fit;
  fit.steps = 200, fit.batch_size = 8, fit.seed = 11;
  const auto t0 = std::chrono::steady_clock::now();
  attacker->fit(TensorSamples(features.slice(0, 512)), TensorSamples(images.slice(0, 512)), fit);
  const Tensor reconstructed = attacker->reconstruct(features.slice(512, 640));
  EXPECT_FALSE(reconstructed.on_device());
  const double s = mean(ssim_per_image(reconstructed, images.slice(512, 640)));
  std::printf("%s on %s: held-out SSIM %.4f (%.1f s)\n", kind.c_str(), device.spec().c_str(), s,
              std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  return s;
}

TEST(DeviceParity, LearnedAttackersMatchTheCpuEngineAfter200Steps) {
  const LeNetRelu1 c(640);
  for (const std::string kind : {"inverse_net", "cgan"}) {
    const double cpu = held_out_ssim(kind, Device{}, c.features, c.data.images);
    const double device = held_out_ssim(kind, kDevice, c.features, c.data.images);
    EXPECT_GT(cpu, 0.4) << kind;
    EXPECT_NEAR(device, cpu, 0.01) << kind;
  }
}

TEST(DeviceParity, RmleMatchesTheCpuEngine) {
  const LeNetRelu1 c(32);
  double ssim[2];
  for (const bool on_device : {false, true}) {
    const AttackContext ctx{{6, 28, 28}, {1, 28, 28}, &c.partition.front, on_device ? kDevice : Device{}};
    auto rmle = make_attacker("rmle", Config("test", {{"iterations", "100"}}), ctx);
    const Tensor reconstructed = rmle->reconstruct(c.features);
    EXPECT_FALSE(reconstructed.on_device());
    ssim[on_device] = mean(ssim_per_image(reconstructed, c.data.images));
    std::printf("rmle on %s: SSIM %.4f\n", on_device ? "opencl" : "cpu", ssim[on_device]);
  }
  EXPECT_GT(ssim[0], 0.4);
  EXPECT_NEAR(ssim[1], ssim[0], 0.01);
}

// Held-out SSIM of `kind` with `settings` fitted on relu1 pairs 0..287 (`steps` of `batch`,
// seed 2) on the CPU engine [0] and on the device [1]; reconstructions come back to the host.
std::array<double, 2> fitted_ssim_on_both(const std::string& kind, const std::map<std::string, std::string>& settings,
                                          int64_t steps, int64_t batch) {
  const LeNetRelu1 c(320);
  std::array<double, 2> ssim{};
  for (const bool on_device : {false, true}) {
    const AttackContext ctx{{6, 28, 28}, {1, 28, 28}, &c.partition.front, on_device ? kDevice : Device{}};
    auto attacker = make_attacker(kind, Config("test", settings), ctx);
    FitOptions fit;
    fit.steps = steps, fit.batch_size = batch, fit.seed = 2;
    attacker->fit(TensorSamples(c.features.slice(0, 288)), TensorSamples(c.data.images.slice(0, 288)), fit);
    const Tensor reconstructed = attacker->reconstruct(c.features.slice(288, 320));
    EXPECT_FALSE(reconstructed.on_device()) << kind;
    ssim[on_device] = mean(ssim_per_image(reconstructed, c.data.images.slice(288, 320)));
    std::printf("%s on %s: SSIM %.4f\n", kind.c_str(), on_device ? "opencl" : "cpu", ssim[on_device]);
  }
  return ssim;
}

// The white-box parts on the device: hybrid (feature consistency while it learns, rMLE refinement
// after) trained and refined on OpenCL scores as on the CPU engine.
TEST(DeviceParity, HybridWithFeatureConsistencyMatchesTheCpuEngine) {
  const auto ssim = fitted_ssim_on_both(
      "hybrid", {{"ngf", "8"}, {"stem_channels", "8"}, {"feature_weight", "1"}, {"refine_iterations", "50"}}, 60, 8);
  EXPECT_GT(ssim[0], 0.5);
  EXPECT_NEAR(ssim[1], ssim[0], 0.01);
}

// gan_prior on the device: the DCGAN prior trained there and the latent search through the
// front partition score as on the CPU engine (a GAN's training amplifies rounding: 0.03).
TEST(DeviceParity, GanPriorMatchesTheCpuEngine) {
  const auto ssim = fitted_ssim_on_both(
      "gan_prior", {{"ngf", "8"}, {"ndf", "8"}, {"latent_dim", "16"}, {"iterations", "40"}, {"restarts", "1"}}, 150, 32);
  EXPECT_GT(ssim[0], 0.3);
  EXPECT_NEAR(ssim[1], ssim[0], 0.03);
}

// The same device, seed and configuration give the same bits: two c-GAN runs of three steps
// (dropout on, batch norm in training) end with identical losses and weights.
TEST(DeviceParity, CganStepsAreBitIdenticalRunToRun) {
  auto run = [] {
    CganStep cgan(small_cgan());
    const auto [features, images] = random_batch(4);
    std::vector<float> out;
    for (int i = 0; i < 3; ++i) {
      const CganLosses l = cgan.step(features, images);
      for (double v : {l.d_real, l.d_fake, l.g_gan, l.g_l1}) out.push_back(static_cast<float>(v));
    }
    for (const auto& [name, t] : cgan.generator().named_parameters())
      for (float v : t.to_vector()) out.push_back(v);
    return out;
  };
  const std::vector<float> first = run();
  EXPECT_EQ(run(), first);
}

TEST(DeviceParity, ACganStepMovesOnlyItsLosses) {
  CganStep cgan(small_cgan());
  const auto [features, images] = random_batch(3);
  cgan.step(features, images);  // warm-up: kernels built
  const opencl::Transfers before = opencl::transfers();
  CganLosses losses;
  for (int i = 0; i < 2; ++i) losses = cgan.step(features, images);
  const opencl::Transfers after = opencl::transfers();
  EXPECT_EQ(after.uploads, before.uploads);
  EXPECT_EQ(after.downloads - before.downloads, 8);
  EXPECT_EQ(after.bytes_downloaded - before.bytes_downloaded, 32);
  EXPECT_TRUE(std::isfinite(losses.g_l1) && losses.g_l1 > 0);
}

}  // namespace
}  // namespace splitleak::attack
