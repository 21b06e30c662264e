#include "tee_runtime/process_enclave.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <thread>

#include "core/error.h"
#include "core/parallel.h"
#include "core/tensor_bytes.h"
#include "victim/model_file.h"

extern char** environ;

namespace splitleak::tee {
namespace {

namespace fs = std::filesystem;
constexpr int64_t kSmallAnswer = 1 << 20;  // Measurement, Ready and Error frames

std::string describe_status(int status) {
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    const char* name = sigabbrev_np(sig);
    return "was killed by signal " + std::to_string(sig) + (name ? std::string(" (SIG") + name + ")" : "");
  }
  return "stopped (status " + std::to_string(status) + ")";
}

}  // namespace

std::string enclave_executable() {
  if (const char* env = std::getenv("SPLITLEAK_ENCLAVE"); env && *env) {
    check(fs::exists(env), std::string("SPLITLEAK_ENCLAVE=") + env + ": no such file");
    return env;
  }
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  const fs::path beside = self.parent_path() / "splitleak-enclave";
  check(!ec && fs::exists(beside), "splitleak-enclave is not next to " + self.string() +
                                       "; build it, or set SPLITLEAK_ENCLAVE to its path");
  return beside.string();
}

ProcessEnclave::ProcessEnclave(const EnclaveOptions& options) : options_(options) {
  if (options_.executable.empty()) options_.executable = enclave_executable();
  check(::access(options_.executable.c_str(), X_OK) == 0, options_.executable + ": not an executable enclave program");
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
    throw Error(std::string("socketpair failed: ") + std::strerror(errno), Error::Kind::Failure);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 3);  // dup2 clears close-on-exec on 3
  posix_spawn_file_actions_addclosefrom_np(&actions, 4);
  std::string arg0 = "splitleak-enclave", arg1 = "--fd", arg2 = "3";
  char* argv[] = {arg0.data(), arg1.data(), arg2.data(), nullptr};
  const int rc = posix_spawn(&child_, options_.executable.c_str(), &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[1]);
  if (rc != 0) {
    ::close(fds[0]);
    child_ = 0;
    throw Error("cannot start " + options_.executable + ": " + std::strerror(rc), Error::Kind::Failure);
  }
  fd_ = fds[0];
}

ProcessEnclave::~ProcessEnclave() {
  if (child_ > 0 && fd_ >= 0) {
    write_frame(fd_, FrameType::Shutdown, {}, 1.0);
    for (int i = 0; i < 100; ++i) {  // up to 1 s to exit by itself
      int status = 0;
      if (::waitpid(child_, &status, WNOHANG) == child_) {
        child_ = 0;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  stop();
}

void ProcessEnclave::stop() {
  if (child_ > 0) {
    ::kill(child_, SIGKILL);
    int status = 0;
    while (::waitpid(child_, &status, 0) < 0 && errno == EINTR) {
    }
    child_ = 0;
  }
  if (fd_ >= 0) ::close(fd_), fd_ = -1;
}

void ProcessEnclave::fail(const std::string& what) {
  // Give a dying child a moment to be reaped, so the message can say how it ended.
  std::string how;
  for (int i = 0; i < 50 && child_ > 0; ++i) {
    int status = 0;
    if (::waitpid(child_, &status, WNOHANG) == child_) {
      how = "; the enclave process " + describe_status(status);
      child_ = 0;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  stop();
  throw Error("TEE (process backend): " + what + how, Error::Kind::Failure);
}

Frame ProcessEnclave::request(FrameType type, std::string_view payload, FrameType want, int64_t max_answer,
                              double timeout_s) {
  if (child_ <= 0 || fd_ < 0) throw Error("TEE (process backend): the enclave process is no longer running", Error::Kind::Failure);
  const IoStatus w = write_frame(fd_, type, payload, timeout_s);
  if (w == IoStatus::Closed) {
    // The child may have refused the frame early and said why before closing.
    Frame last;
    try {
      if (read_frame(fd_, last, kSmallAnswer, 0.5) == IoStatus::Ok && last.type == FrameType::Error) {
        stop();
        throw Error("TEE (process backend): the enclave refused: " + last.payload);
      }
    } catch (const Error& e) {
      if (std::string(e.what()).find("the enclave refused") != std::string::npos) throw;
    }
    fail("the enclave process closed the channel before taking " + frame_type_name(type));
  }
  if (w == IoStatus::TimedOut)
    fail("the enclave process did not take " + frame_type_name(type) + " within " + std::to_string(timeout_s) +
         " s; stopped it");
  Frame answer;
  IoStatus r;
  try {
    r = read_frame(fd_, answer, std::max(max_answer, kSmallAnswer), timeout_s);
  } catch (const Error& e) {
    fail(std::string(e.what()) + " from the enclave process (after " + frame_type_name(type) + ")");
  }
  if (r == IoStatus::Closed) {
    const bool budget = options_.memory_budget_bytes > 0;
    fail("the enclave process died while handling " + frame_type_name(type) +
         (budget ? " (its memory budget is " + std::to_string(options_.memory_budget_bytes >> 20) + " MiB)" : ""));
  }
  if (r == IoStatus::TimedOut)
    fail("the enclave process did not answer " + frame_type_name(type) + " within " + std::to_string(timeout_s) +
         " s; stopped it");
  if (answer.type == FrameType::Error) throw Error("TEE (process backend): the enclave refused: " + answer.payload);
  if (answer.type != want)
    fail("the enclave process answered " + frame_type_name(type) + " with " + frame_type_name(answer.type) +
         ", expected " + frame_type_name(want));
  return answer;
}

Measurement ProcessEnclave::load(const victim::Graph& front) {
  const std::string model = victim::model_to_bytes(front);
  std::string payload(12, '\0');
  const uint64_t budget = static_cast<uint64_t>(options_.memory_budget_bytes);
  const int32_t threads = options_.threads > 0 ? options_.threads : num_threads();
  std::memcpy(payload.data(), &budget, 8), std::memcpy(payload.data() + 8, &threads, 4);
  payload += model;
  const Frame answer = request(FrameType::Init, payload, FrameType::Measurement, kSmallAnswer, options_.load_timeout_s);
  if (answer.payload.size() < 32) fail("the enclave process sent a short measurement");
  Measurement m;
  std::memcpy(m.data(), answer.payload.data(), 32);
  sandbox_report_ = answer.payload.substr(32);
  // Attestation's stand-in: the child must have measured exactly the partition sent.
  if (m != measure_bytes(model))
    fail("the enclave process reported measurement " + measurement_hex(m) + ", the partition sent measures " +
         measurement_hex(measure_bytes(model)));
  auto elements = [](const Shape& shape) {
    int64_t n = 1;
    for (size_t i = 1; i < shape.size(); ++i) n *= shape[i];
    return n;
  };
  input_elements_ = elements(front.input().shape), output_elements_ = elements(front.output().shape);
  return m;
}

void ProcessEnclave::provision(const SessionKey& key) {
  request(FrameType::Key, std::string_view(reinterpret_cast<const char*>(key.bytes.data()), key.bytes.size()),
          FrameType::Ready, kSmallAnswer, options_.load_timeout_s);
}

EnclaveOutput ProcessEnclave::run(std::string_view sealed_input) {
  const auto t0 = std::chrono::steady_clock::now();
  // The answer holds one feature map per image the sealed input can hold.
  const int64_t max_batch = static_cast<int64_t>(sealed_input.size()) / (4 * std::max<int64_t>(input_elements_, 1)) + 1;
  const int64_t max_answer = std::min(options_.max_frame_bytes, 25 + 4 + 4 + 8 * 8 + 4 * max_batch * output_elements_);
  Frame answer = request(FrameType::Run, sealed_input, FrameType::Features, max_answer, options_.run_timeout_s);
  const double round_trip = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  if (answer.payload.size() < 25) fail("the enclave process sent a short Features frame");
  EnclaveOutput out;
  double times[3];
  std::memcpy(times, answer.payload.data(), sizeof times);
  out.timing.decrypt_ms = times[0], out.timing.compute_ms = times[1], out.timing.export_ms = times[2];
  out.stream_ended = answer.payload[24] != 0;
  try {
    out.features = tensor_from_bytes(std::string_view(answer.payload).substr(25), "the enclave's feature map");
  } catch (const Error& e) {
    fail(e.what());
  }
  out.timing.transport_ms = std::max(0.0, round_trip - times[0] - times[1] - times[2]);
  return out;
}

std::unique_ptr<Enclave> make_process_enclave(const EnclaveOptions& options) {
  return std::make_unique<ProcessEnclave>(options);
}

}  // namespace splitleak::tee
