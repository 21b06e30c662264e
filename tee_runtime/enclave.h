#pragma once
// The enclave boundary the front partition runs behind.
//
//   load(front partition) -> measurement     the client checks it, then provisions its key
//   provision(session key)
//   run(sealed input) -> feature map + measured timing
//
// Backends: "sim" runs the enclave's code in this process (fast sweeps); "process" runs it in a
// separate executable, splitleak-enclave, over a socketpair (tee_runtime/frames.h): the host
// holds only sealed inputs and the exported feature maps; the child sandboxes itself
// (tee_runtime/sandbox.h) and enforces a memory budget. Both give, bit for bit, the feature map
// of a plain forward of the partition (same thread count).
#include <memory>
#include <string>
#include <string_view>

#include "core/tensor.h"
#include "tee_runtime/measurement.h"
#include "tee_runtime/sealing.h"
#include "victim/graph.h"

namespace splitleak::tee {

// Measured per run, in milliseconds.
struct EnclaveTiming {
  double decrypt_ms = 0;    // opening the sealed input and parsing the tensor
  double compute_ms = 0;    // the partition's forward
  double export_ms = 0;     // serialising the feature map for the way out
  double transport_ms = 0;  // process: the round trip minus the enclave's own time (sim: parsing the export)
  double total_ms() const { return decrypt_ms + compute_ms + export_ms + transport_ms; }
};

struct EnclaveOutput {
  Tensor features;
  EnclaveTiming timing;
  bool stream_ended = false;  // the input was its stream's final message (sealing.h)
};

struct EnclaveOptions {
  std::string backend = "sim";  // sim | process
  int threads = 0;              // engine threads inside the enclave; 0: this process's count
  // process backend:
  std::string executable;                           // empty: enclave_executable()
  int64_t memory_budget_bytes = int64_t{4} << 30;   // what the child may allocate beyond its start-up
  double load_timeout_s = 120, run_timeout_s = 600;
  int64_t max_frame_bytes = int64_t{4} << 30;       // the largest frame either side accepts
};

class Enclave {
 public:
  virtual ~Enclave() = default;
  virtual std::string backend() const = 0;
  // Throws Error when the partition cannot be loaded (memory budget, malformed), or the
  // process backend's child fails to start, crashes or does not answer in time.
  virtual Measurement load(const victim::Graph& front) = 0;
  virtual void provision(const SessionKey& key) = 0;
  // Throws Error (BadInput) for a rejected sealed input (sealing.h's Opener) or an input of the
  // wrong shape: nothing is computed.
  virtual EnclaveOutput run(std::string_view sealed_input) = 0;
};

// Throws Error naming the backend when it is unknown.
std::unique_ptr<Enclave> make_enclave(const EnclaveOptions& options);

// splitleak-enclave's path: $SPLITLEAK_ENCLAVE, else next to the running executable. Throws
// Error saying where it looked when it is not there.
std::string enclave_executable();

// The enclave's own code, shared by the sim backend and splitleak-enclave: holds the
// partition, opens sealed inputs, computes and exports. A partition with a random defence draws
// each input's randomness from a generator seeded by a keyed hash (BLAKE2b, the session key) of
// the message's stream and sequence number: fresh per input, unknown to the host, and the same
// in every backend for the same key and messages.
class EnclaveCore {
 public:
  // From victim::model_to_bytes; throws Error (malformed) or std::bad_alloc.
  Measurement load(std::string_view model_bytes);
  void provision(const SessionKey& key);
  // Returns the exported feature map (core/tensor_bytes) and fills the measured times.
  std::string run(std::string_view sealed_input, EnclaveTiming& timing);
  const victim::Graph& partition() const { return graph_; }
  // Whether the session's sealed stream has ended (its final message was run).
  bool stream_ended() const { return opener_ && opener_->ended(); }
  bool loaded() const { return loaded_; }

 private:
  victim::Graph graph_;
  Measurement measurement_{};
  std::unique_ptr<Opener> opener_;
  SessionKey key_{};
  bool loaded_ = false;
  bool draws_randomness_ = false;  // the partition ends in a random defence (victim/defence.h)
};

}  // namespace splitleak::tee
