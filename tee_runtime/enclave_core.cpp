#include <chrono>

#include "core/autograd.h"
#include "core/error.h"
#include "core/tensor_bytes.h"
#include "tee_runtime/enclave.h"
#include "victim/execute.h"
#include "victim/model_file.h"

namespace splitleak::tee {
namespace {

double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

Measurement EnclaveCore::load(std::string_view model_bytes) {
  check(!loaded_, "the enclave already holds a partition");
  graph_ = victim::model_from_bytes(model_bytes, "the partition sent to the enclave");
  measurement_ = measure_bytes(model_bytes);
  loaded_ = true;
  return measurement_;
}

void EnclaveCore::provision(const SessionKey& key) {
  check(loaded_, "the enclave holds no partition yet: load it before provisioning a key");
  opener_ = std::make_unique<Opener>(key, measurement_);
}

std::string EnclaveCore::run(std::string_view sealed_input, EnclaveTiming& timing) {
  check(opener_ != nullptr, "the enclave has no session key yet: provision it before running");
  auto t0 = std::chrono::steady_clock::now();
  std::string plain = opener_->open(sealed_input);
  const Tensor x = tensor_from_bytes(plain, "the sealed input");
  std::fill(plain.begin(), plain.end(), '\0');
  const Shape& want = graph_.input().shape;
  check(x.dim() == static_cast<int64_t>(want.size()) && x.size(0) >= 1 &&
            Shape(x.shape().begin() + 1, x.shape().end()) == Shape(want.begin() + 1, want.end()),
        "the sealed input is " + shape_str(x.shape()) + ", the partition takes (N, " +
            shape_str(Shape(want.begin() + 1, want.end())) + ")");
  timing.decrypt_ms = ms_since(t0);
  t0 = std::chrono::steady_clock::now();
  Tensor features;
  {
    autograd::NoGradGuard no_grad;
    features = victim::run(graph_, x);
  }
  timing.compute_ms = ms_since(t0);
  t0 = std::chrono::steady_clock::now();
  std::string out = tensor_to_bytes(features);
  timing.export_ms = ms_since(t0);
  return out;
}

}  // namespace splitleak::tee
