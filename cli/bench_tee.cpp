// `splitleak bench tee --model M --cut C --batch B --iters N`: what the enclave boundary costs per
// inference. Median times of: the sim and process backends' runs and their parts (sealing on
// the client side, decrypt, compute and export inside, transport: the round trip beyond the
// enclave's own time); the boundary's cost (seal + decrypt + export + transport); and the plain
// front forward, timed after the backends so that all three run warm.
#include <cstdio>

#include "cli/commands.h"
#include "core/autograd.h"
#include "core/error.h"
#include "core/parallel.h"
#include "core/random.h"
#include "core/tensor_bytes.h"
#include "core/timing.h"
#include "tee_runtime/enclave.h"
#include "victim/execute.h"
#include "victim/load.h"
#include "victim/partition.h"

namespace splitleak::cli {
namespace {

struct TeeBenchOptions {
  std::string model = "vgg16:width=0.25,input=3x32x32,classes=10", cut = "pool3";
  int64_t batch = 1;
  int iters = 50;
};

int run_tee_bench(const TeeBenchOptions& o) {
  check(o.batch > 0 && o.iters > 0, "bench tee: batch and iters must be positive");
  const victim::Graph front = victim::partition(victim::load_model(o.model), o.cut).front;
  Shape shape = front.input().shape;
  shape[0] = o.batch;
  Tensor x = Tensor::empty(shape);
  Generator gen(1);
  init::uniform_(x, 0.0f, 1.0f, gen);
  const std::string plaintext = tensor_to_bytes(x);
  Tensor features;
  {
    autograd::NoGradGuard no_grad;
    features = victim::run(front, x);
  }
  std::printf("model=%s\ncut=%s\nthreads=%d\nbatch=%lld\naead=%s\ninput_bytes=%zu\nfeature_bytes=%lld\n", o.model.c_str(),
              o.cut.c_str(), num_threads(), static_cast<long long>(o.batch), tee::aead_name(tee::preferred_aead()).c_str(),
              plaintext.size(), static_cast<long long>(features.numel() * 4));
  for (const char* backend : {"sim", "process"}) {
    tee::EnclaveOptions eo;
    eo.backend = backend;
    auto enclave = tee::make_enclave(eo);
    const tee::SessionKey key = tee::SessionKey::generate();
    tee::Sealer sealer(key, enclave->load(front));
    enclave->provision(key);
    // Sealed ahead (one per iteration, plus a warm-up), so the run times exclude the client.
    std::vector<std::string> sealed;
    const double seal_ms = median_ms(o.iters + 1, [&] { sealed.push_back(sealer.seal(plaintext)); });
    enclave->run(sealed[0]);
    std::vector<tee::EnclaveTiming> timings;
    size_t next = 1;
    const double run_ms = median_ms(o.iters, [&] { timings.push_back(enclave->run(sealed[next++]).timing); });
    auto median_of = [&](double tee::EnclaveTiming::*field) {
      std::vector<double> v;
      for (const auto& t : timings) v.push_back(t.*field);
      return median(std::move(v));
    };
    const double decrypt = median_of(&tee::EnclaveTiming::decrypt_ms), out = median_of(&tee::EnclaveTiming::export_ms);
    const double transport = median_of(&tee::EnclaveTiming::transport_ms);
    std::printf("%s_run_ms=%.3f\n%s_seal_ms=%.3f\n%s_decrypt_ms=%.3f\n%s_compute_ms=%.3f\n%s_export_ms=%.3f\n"
                "%s_transport_ms=%.3f\n%s_boundary_ms=%.3f\n",
                backend, run_ms, backend, seal_ms, backend, decrypt, backend,
                median_of(&tee::EnclaveTiming::compute_ms), backend, out, backend, transport, backend,
                seal_ms + decrypt + out + transport);
  }
  autograd::NoGradGuard no_grad;
  std::printf("plain_ms=%.3f\n", median_ms(o.iters, [&] { victim::run(front, x); }));
  return 0;
}

const bool registered = add_bench(
    {"tee", "Per-inference cost of the TEE boundary (sim and process backends against a plain forward)",
     [](CLI::App& sub) -> std::function<int()> {
       auto opts = std::make_shared<TeeBenchOptions>();
       sub.add_option("--model", opts->model, "MODEL: zoo spec, .onnx or .h5")->capture_default_str();
       sub.add_option("--cut", opts->cut, "The cut ending the front partition")->capture_default_str();
       sub.add_option("--batch", opts->batch, "Images per inference")->capture_default_str();
       sub.add_option("--iters", opts->iters, "Timed iterations (median reported)")->capture_default_str();
       return [opts] { return run_tee_bench(*opts); };
     }});

}  // namespace
}  // namespace splitleak::cli
