// The sim backend: the enclave's code in this process. The partition still crosses as bytes and
// is measured the same way; inputs still arrive sealed.
#include <chrono>

#include "core/error.h"
#include "core/tensor_bytes.h"
#include "tee_runtime/enclave.h"
#include "tee_runtime/process_enclave.h"
#include "victim/model_file.h"

namespace splitleak::tee {
namespace {

class SimEnclave : public Enclave {
 public:
  std::string backend() const override { return "sim"; }
  Measurement load(const victim::Graph& front) override { return core_.load(victim::model_to_bytes(front)); }
  void provision(const SessionKey& key) override { core_.provision(key); }
  EnclaveOutput run(std::string_view sealed_input) override {
    EnclaveOutput out;
    const std::string exported = core_.run(sealed_input, out.timing);
    out.stream_ended = core_.stream_ended();
    const auto t0 = std::chrono::steady_clock::now();
    out.features = tensor_from_bytes(exported, "the enclave's feature map");
    out.timing.transport_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    return out;
  }

 private:
  EnclaveCore core_;
};

}  // namespace

std::unique_ptr<Enclave> make_enclave(const EnclaveOptions& options) {
  if (options.backend == "sim") return std::make_unique<SimEnclave>();
  if (options.backend == "process") return make_process_enclave(options);
  throw Error("unknown TEE backend '" + options.backend + "' (known: sim, process)");
}

}  // namespace splitleak::tee
