#include <sodium.h>

#include <chrono>

#include "core/autograd.h"
#include "core/error.h"
#include "core/tensor_bytes.h"
#include "tee_runtime/enclave.h"
#include "victim/defence.h"
#include "victim/execute.h"
#include "victim/model_file.h"

namespace splitleak::tee {
namespace {

double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

// The seed of the defence's randomness for message `sequence` of the opener's stream.
uint64_t defence_seed(const SessionKey& key, const Opener& opener, uint64_t sequence) {
  std::string message = "splitleak.defence";
  message.append(reinterpret_cast<const char*>(opener.stream().data()), opener.stream().size());
  for (int byte = 0; byte < 8; ++byte) message.push_back(static_cast<char>((sequence >> (8 * byte)) & 0xff));
  uint8_t digest[8];
  crypto_generichash(digest, sizeof digest, reinterpret_cast<const uint8_t*>(message.data()), message.size(),
                     key.bytes.data(), key.bytes.size());
  uint64_t seed = 0;
  for (int byte = 0; byte < 8; ++byte) seed |= static_cast<uint64_t>(digest[byte]) << (8 * byte);
  return seed;
}

}  // namespace

Measurement EnclaveCore::load(std::string_view model_bytes) {
  check(!loaded_, "the enclave already holds a partition");
  graph_ = victim::model_from_bytes(model_bytes, "the partition sent to the enclave");
  measurement_ = measure_bytes(model_bytes);
  draws_randomness_ = victim::draws_randomness(graph_);
  loaded_ = true;
  return measurement_;
}

void EnclaveCore::provision(const SessionKey& key) {
  check(loaded_, "the enclave holds no partition yet: load it before provisioning a key");
  opener_ = std::make_unique<Opener>(key, measurement_);
  key_ = key;
}

std::string EnclaveCore::run(std::string_view sealed_input, EnclaveTiming& timing) {
  check(opener_ != nullptr, "the enclave has no session key yet: provision it before running");
  auto t0 = std::chrono::steady_clock::now();
  std::string plain = opener_->open(sealed_input);
  Generator defence_randomness(draws_randomness_ ? defence_seed(key_, *opener_, opener_->next_sequence() - 1) : 0);
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
    victim::RunOptions options;
    options.generator = &defence_randomness;
    features = victim::run(graph_, x, options);
  }
  timing.compute_ms = ms_since(t0);
  t0 = std::chrono::steady_clock::now();
  std::string out = tensor_to_bytes(features);
  timing.export_ms = ms_since(t0);
  return out;
}

}  // namespace splitleak::tee
