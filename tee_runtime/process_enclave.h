#pragma once
// The process backend's host side: starts splitleak-enclave with one end of a socketpair as its
// descriptor 3 and speaks tee_runtime/frames.h to it. Every wait has a deadline; a child that
// crashes, hangs, or sends a malformed or oversized frame gives an Error naming what happened,
// and the child is stopped (SIGKILL) and reaped. After such an error the enclave is unusable.
#include <sys/types.h>

#include "tee_runtime/enclave.h"
#include "tee_runtime/frames.h"

namespace splitleak::tee {

class ProcessEnclave : public Enclave {
 public:
  explicit ProcessEnclave(const EnclaveOptions& options);  // starts the child
  ~ProcessEnclave() override;                             // asks it to exit, then stops it
  ProcessEnclave(const ProcessEnclave&) = delete;
  ProcessEnclave& operator=(const ProcessEnclave&) = delete;

  std::string backend() const override { return "process"; }
  Measurement load(const victim::Graph& front) override;
  void provision(const SessionKey& key) override;
  EnclaveOutput run(std::string_view sealed_input) override;

  pid_t child_pid() const { return child_; }                         // 0 once stopped
  const std::string& sandbox_report() const { return sandbox_report_; }  // from the child, after load

 private:
  // Sends a request and returns the answer of type `want`; an Error frame becomes Error(BadInput)
  // carrying the child's message. Transport failures stop the child and throw.
  Frame request(FrameType type, std::string_view payload, FrameType want, int64_t max_answer, double timeout_s);
  [[noreturn]] void fail(const std::string& what);
  void stop();

  EnclaveOptions options_;
  pid_t child_ = 0;
  int fd_ = -1;
  std::string sandbox_report_;
  int64_t input_elements_ = 0, output_elements_ = 0;  // per image, set by load: bound a run's answer
};

std::unique_ptr<Enclave> make_process_enclave(const EnclaveOptions& options);

}  // namespace splitleak::tee
