// Attack strength per cut on Fashion-MNIST (verification for the attack issue, not a product
// path): the victim's front partition at each cut, feature maps of `--aux` training images
// (disjoint auxiliary data) and `--test` held-out test images, each attacker fitted and scored.
// Prints one line per (cut, attacker): mean SSIM with its bootstrap 95% interval, PSNR, time.
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <sstream>

#include "attack/attacker.h"
#include "attack/evaluator.h"
#include "attack/threat_model.h"
#include "core/autograd.h"
#include "core/error.h"
#include "core/hdf5_io.h"
#include "core/parallel.h"
#include "datasets/fashion_mnist.h"
#include "victim/execute.h"
#include "victim/load.h"
#include "victim/partition.h"

using namespace splitleak;

namespace {

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) out.push_back(item);
  return out;
}


}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"attack strength per cut on Fashion-MNIST"};
  std::string model, cuts, attackers = "cgan,inverse_net,rmle";
  int64_t aux = 2000, test = 200, steps = 1000, batch = 16, ngf = 64, ndf = 64, stem = 0, rmle_iters = 300;
  int threads = 0;
  int64_t log_every = 0;
  std::string aux_data = "disjoint", dump;
  app.add_option("--dump", dump, "write DIR/<cut>.h5 (aux_features, aux_images, test_features, test_images) for bench/torch_decoder.py");
  app.add_option("--aux-data", aux_data, "auxiliary data: same, disjoint (Fashion-MNIST train) or noise");
  std::vector<std::string> extra;  // kind.key=value
  app.add_option("--log-every", log_every, "print the training loss every N steps");
  app.add_option("--set", extra, "an attacker setting, kind.key=value (repeatable)");
  app.add_option("--model", model)->required();
  app.add_option("--cuts", cuts)->required();
  app.add_option("--attackers", attackers);
  app.add_option("--aux", aux);
  app.add_option("--test", test);
  app.add_option("--steps", steps);
  app.add_option("--batch", batch);
  app.add_option("--ngf", ngf);
  app.add_option("--ndf", ndf);
  app.add_option("--stem", stem, "stem_channels (0: the attacker's default)");
  app.add_option("--rmle-iterations", rmle_iters);
  app.add_option("--threads", threads);
  CLI11_PARSE(app, argc, argv);
  try {
    set_num_threads(threads);
    const victim::Graph g = victim::load_model(model);
    const Shape& in = g.input().shape;
    datasets::FashionMnistOptions fo;
    fo.size = in[2], fo.channels = in[1];
    const Tensor test_x = datasets::load_fashion_mnist(datasets::Part::Test, fo).images.slice(0, test);
    const Tensor aux_x = read_all(*attack::auxiliary_images(
        attack::parse_aux_data(aux_data), test_x, in_memory(datasets::load_fashion_mnist(datasets::Part::Train, fo).images),
        aux, 1));
    std::printf("aux_data=%s ", aux_data.c_str());
    std::printf("model=%s aux=%ld test=%ld steps=%ld batch=%ld ngf=%ld ndf=%ld stem=%ld threads=%d\n", model.c_str(),
                static_cast<long>(aux), static_cast<long>(test), static_cast<long>(steps), static_cast<long>(batch),
                static_cast<long>(ngf), static_cast<long>(ndf), static_cast<long>(stem), num_threads());
    for (const auto& cut : split(cuts)) {
      const victim::Partition p = victim::partition(g, cut);
      const Tensor aux_f = victim::run_in_batches(p.front, aux_x, 256), test_f = victim::run_in_batches(p.front, test_x, 256);
      Shape feature_shape(aux_f.shape().begin() + 1, aux_f.shape().end());
      if (!dump.empty())
        h5::write_tensors(dump + "/" + cut + ".h5", {{"aux_features", aux_f}, {"aux_images", aux_x},
                                                      {"test_features", test_f}, {"test_images", test_x}});
      const attack::AttackContext ctx{feature_shape, Shape(in.begin() + 1, in.end()), &p.front, Device{}};
      for (const auto& kind : split(attackers)) {
        std::map<std::string, std::string> settings;
        if (kind == "rmle") {
          settings["iterations"] = std::to_string(rmle_iters);
        } else {
          settings = {{"ngf", std::to_string(ngf)}};
          if (stem > 0 && kind != "gan_prior") settings["stem_channels"] = std::to_string(stem);
          if (kind == "cgan" || kind == "gan_prior") settings["ndf"] = std::to_string(ndf);
        }
        for (const auto& e : extra) {
          const auto dot = e.find('.'), eq = e.find('=');
          check(dot != std::string::npos && eq != std::string::npos && dot < eq, "--set " + e + ": expected kind.key=value");
          if (e.substr(0, dot) == kind) settings[e.substr(dot + 1, eq - dot - 1)] = e.substr(eq + 1);
        }
        auto attacker = attack::make_attacker(kind, attack::Config(kind, settings), ctx);
        attack::FitOptions fit;
        fit.steps = steps, fit.batch_size = batch;
        if (log_every > 0)
          fit.progress = [&](const attack::FitProgress& p) {
            if (p.step % log_every == 0) std::printf("  %s step %ld loss %.4f\n", kind.c_str(), static_cast<long>(p.step), p.loss);
            std::fflush(stdout);
          };
        const auto t0 = std::chrono::steady_clock::now();
        attacker->fit(TensorSamples(aux_f), TensorSamples(aux_x), fit);
        const Tensor rec = attacker->reconstruct(test_f);
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        const attack::AttackerScores s = attack::score_reconstructions(kind, rec, test_x, g, 1);
        std::printf("cut=%s feature=%s attacker=%s ssim=%.3f [%.3f, %.3f] psnr=%.2f label_leak=%.2f seconds=%.0f\n",
                    cut.c_str(), shape_str(feature_shape).c_str(), kind.c_str(), s.ssim_mean.mean, s.ssim_mean.low,
                    s.ssim_mean.high, s.psnr_mean.mean, s.label_leak_mean.mean, seconds);
        std::fflush(stdout);
      }
    }
  } catch (const Error& e) {
    std::fprintf(stderr, "attack_strength: %s\n", e.what());
    return 2;
  }
  return 0;
}
