// `splitleak bench cgan-step --image-size S --feat-channels C --batch B --steps N`: trains the
// c-GAN on random feature maps (C, S, S) and images (3, S, S), stem off: the pix2pix U-Net with
// input_nc = C and num_downs = log2(S), the PatchGAN on C + 3 channels, batch norm, dropout on;
// one step = D update then G update. With --device opencl[:P:D] the networks, optimizers and data
// live on that OpenCL device. Prints the median step time and the host<->device transfers per
// timed step (the four scalar losses it reads back); on the CPU also the GEMM FLOPs the step does
// (gemm_flops_done: the convolutions' forwards and gradients as they run), their rate, and the
// rate of one 1024 x 1024 x 1024 GEMM on the same threads (Eigen's sgemm, the ceiling issue 21
// measures by), and the step's work as issue 21 counts it (nominal_gflop_per_step: dense direct
// convolutions) with its rate and share.
// --profile adds the time per op per step, forward and backward (core/profile.h), over further
// --steps steps, largest first, and per convolution shape with its GEMM rate.
#include <algorithm>
#include <cstdio>
#include <vector>

#include "attack/cgan_step.h"
#include "cli/commands.h"
#include "core/autograd.h"
#include "core/error.h"
#include "core/gemm.h"
#include "core/opencl/context.h"
#include "core/ops/conv.h"
#include "core/parallel.h"
#include "core/profile.h"
#include "core/random.h"
#include "core/timing.h"

namespace splitleak::cli {
namespace {

struct CganBenchOptions {
  int64_t image_size = 32, feat_channels = 64, batch = 16, ngf = 64, ndf = 64;
  int steps = 5;
  // Untimed steps first: a process's first steps run slower (64²/b8 on the CPU: 540, 410, 356,
  // 324 ms, then about 295 from the fifth on; docs/cpu-engine.md, "Measuring").
  int warmup = 5;
  std::string device = "cpu";
  bool profile = false;
};

// The op's name before its shapes (profile::label).
std::string op_of(const std::string& name) { return name.substr(0, name.find(" [")); }

double gflops(int64_t flops, double ms) { return ms > 0 ? static_cast<double>(flops) / (ms * 1e6) : 0.0; }

// "ms_forward_<op>=..." and "ms_backward_<op>=..." per step, summed over the op's shapes, the
// op's name with its spaces and brackets as underscores; then the profiled step's total; then
// one "shape:" line per op and shape with its GEMM rate, largest first.
void print_profile(const std::vector<profile::OpTime>& times, int steps) {
  std::vector<profile::OpTime> by_op;
  for (const profile::OpTime& t : times) {
    auto same = std::find_if(by_op.begin(), by_op.end(), [&](const profile::OpTime& o) { return o.name == op_of(t.name); });
    if (same == by_op.end()) same = by_op.insert(by_op.end(), profile::OpTime{op_of(t.name)});
    same->forward_ms += t.forward_ms, same->backward_ms += t.backward_ms;
  }
  double total = 0;
  for (const profile::OpTime& t : by_op) {
    std::string key = t.name;
    for (char& ch : key)
      if (ch == ' ' || ch == '(' || ch == ')') ch = '_';
    std::printf("ms_forward_%s=%.2f\nms_backward_%s=%.2f\n", key.c_str(), t.forward_ms / steps, key.c_str(),
                t.backward_ms / steps);
    total += t.forward_ms + t.backward_ms;
  }
  std::printf("ms_profiled_per_step=%.1f\n", total / steps);
  for (const profile::OpTime& t : times)
    if (t.name != op_of(t.name))
      std::printf("shape: %s | forward %.2f ms, %ld calls, %.1f GFLOP/s | backward %.2f ms, %.1f GFLOP/s\n",
                  t.name.c_str(), t.forward_ms / steps, static_cast<long>(t.forward_calls / steps),
                  gflops(t.forward_flops, t.forward_ms), t.backward_ms / steps, gflops(t.backward_flops, t.backward_ms));
}

// Issue 21's count of a step's work: 3 generator forwards and 9 discriminator forwards (each
// backward counted as two forwards: G forward and backward; D on the real and on the fake pair, and
// on the fake again in G's update, each forward and backward), as the GEMM FLOPs of one forward of
// each, run here without gradients, with every convolution counted as a dense direct one
// (ops::conv_flops_called). The GEMM FLOPs a step does are fewer: autograd skips the gradients
// nothing uses (the discriminator's weights in G's update, the data's inputs), kernel taps that
// read only padding are cut away, one discriminator step shares its condition's first-layer term
// between the real and the fake pair, and one-channel convs run outside the GEMM. Runs the
// generator in train mode, as the step does, so it moves batch norm's running statistics: call it
// after the timed steps.
double nominal_gflop_per_step(attack::CganStep& cgan, const Tensor& features) {
  autograd::NoGradGuard no_grad;
  const int64_t before = ops::conv_flops_called();
  const Tensor fake = cgan.generate(features);
  const int64_t generator = ops::conv_flops_called() - before;
  cgan.discriminator().judge(cgan.discriminator().condition(features), fake);
  const int64_t discriminator = ops::conv_flops_called() - before - generator;
  return static_cast<double>(3 * generator + 9 * discriminator) / 1e9;
}

// GFLOP/s of one n x n x n GEMM, the median of `iters` runs.
double sgemm_gflops(int64_t n, int iters) {
  std::vector<float> a(static_cast<size_t>(n * n), 0.5f), b(a), c(a.size());
  const double ms = median_ms(iters, [&] { gemm(false, false, n, n, n, 1.0f, a.data(), n, b.data(), n, 0.0f, c.data(), n); });
  return 2.0 * static_cast<double>(n * n * n) / (ms * 1e6);
}

int run_cgan_bench(const CganBenchOptions& o) {
  // The U-Net halves the image as often as it divides by two, 8 times at most (pix2pix's 256 down
  // to 1): 224 = 7 x 2^5 is halved 5 times.
  int64_t downs = 0;
  while (downs < 8 && o.image_size % (int64_t{2} << downs) == 0) ++downs;
  check(o.image_size >= 32 && downs >= 5, "bench cgan-step: --image-size must be a multiple of 32");
  check(o.feat_channels > 0 && o.batch > 1 && o.steps > 0 && o.warmup >= 0,
        "bench cgan-step: channels > 0, batch > 1, steps > 0, warmup >= 0");
  attack::CganStepOptions opts;
  opts.generator = {o.feat_channels, 3, downs, o.ngf, attack::NormKind::Batch, true, 1};
  opts.discriminator = {o.feat_channels + 3, o.ndf, 3, attack::NormKind::Batch, 2};
  opts.device = parse_device(o.device);
  attack::CganStep cgan(opts);
  Generator gen(3);
  Tensor features = Tensor::empty({o.batch, o.feat_channels, o.image_size, o.image_size});
  Tensor images = Tensor::empty({o.batch, 3, o.image_size, o.image_size});
  init::uniform_(features, 0.0f, 1.0f, gen), init::uniform_(images, 0.0f, 1.0f, gen);
  features = features.to(opts.device), images = images.to(opts.device);
  for (int i = 0; i < o.warmup; ++i) cgan.step(features, images);
  const opencl::Transfers before = opencl::transfers();
  const int64_t flops_before = gemm_flops_done();
  const double ms = median_ms(o.steps, [&] { cgan.step(features, images); });
  const double gflop_per_step = static_cast<double>(gemm_flops_done() - flops_before) / o.steps / 1e9;
  const opencl::Transfers after = opencl::transfers();
  const double per_step = static_cast<double>(after.uploads + after.downloads - before.uploads - before.downloads) / o.steps;
  const std::string where = opts.device.opencl ? opts.device.spec() + " (" + opencl::context(opts.device)->device_name + ")"
                                               : std::string("cpu");
  std::printf("device=%s\nimage_size=%ld\nfeat_channels=%ld\nbatch=%ld\nthreads=%d\nms_per_step=%.1f\n"
              "transfers_per_step=%.1f\nbytes_per_step=%.0f\n",
              where.c_str(), static_cast<long>(o.image_size), static_cast<long>(o.feat_channels),
              static_cast<long>(o.batch), num_threads(), ms, per_step,
              static_cast<double>(after.bytes_uploaded + after.bytes_downloaded - before.bytes_uploaded -
                                  before.bytes_downloaded) / o.steps);
  if (!opts.device.opencl) {
    const double rate = gflop_per_step / (ms / 1e3), ceiling = sgemm_gflops(1024, 7);
    const double nominal = nominal_gflop_per_step(cgan, features), nominal_rate = nominal / (ms / 1e3);
    std::printf("gemm_gflop_per_step=%.2f\ngflops=%.1f\nsgemm_1024_gflops=%.1f\nshare_of_sgemm=%.3f\n"
                "nominal_gflop_per_step=%.2f\nnominal_gflops=%.1f\nnominal_share_of_sgemm=%.3f\n",
                gflop_per_step, rate, ceiling, rate / ceiling, nominal, nominal_rate, nominal_rate / ceiling);
  }
  if (o.profile) {
    profile::start();
    for (int i = 0; i < o.steps; ++i) cgan.step(features, images);
    print_profile(profile::stop(), o.steps);
  }
  return 0;
}

const bool registered = add_bench(
    {"cgan-step", "One c-GAN training step (D then G) on random feature maps", [](CLI::App& sub) -> std::function<int()> {
       auto o = std::make_shared<CganBenchOptions>();
       sub.add_option("--image-size", o->image_size, "Image and feature side S (a multiple of 32: the U-Net halves it 5 to 8 times)")->capture_default_str();
       sub.add_option("--feat-channels", o->feat_channels, "Feature channels C")->capture_default_str();
       sub.add_option("--batch", o->batch, "Batch size")->capture_default_str();
       sub.add_option("--ngf", o->ngf, "Generator width")->capture_default_str();
       sub.add_option("--ndf", o->ndf, "Discriminator width")->capture_default_str();
       sub.add_option("--steps", o->steps, "Timed steps (median reported)")->capture_default_str();
       sub.add_option("--warmup", o->warmup, "Untimed steps before them")->capture_default_str();
       sub.add_option("--device", o->device, "cpu, or opencl[:P:D] (splitleak devices)")->capture_default_str();
       sub.add_flag("--profile", o->profile, "Also print each op's forward and backward time per step (ms_forward_<op>=...)");
       return [o] { return run_cgan_bench(*o); };
     }});

}  // namespace
}  // namespace splitleak::cli
