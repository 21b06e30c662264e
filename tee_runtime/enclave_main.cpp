// splitleak-enclave: the process backend's enclave (tee_runtime/frames.h speaks for it). Started
// by the host with its end of a socketpair as descriptor 3 (`--fd 3`). It takes the partition
// and a memory budget, measures and warms up the partition, sandboxes itself, reports the
// measurement, takes the session key, then opens sealed inputs and returns only feature maps.
// Under Gramine (tee_runtime/gramine/, with --in-enclave) the same program runs inside an SGX
// enclave, which then stands in for the seccomp filter and the memory budget.
#include <malloc.h>

#include <cstdio>
#include <cstring>
#include <new>
#include <string>

#include "core/error.h"
#include "core/parallel.h"
#include "core/tensor_bytes.h"
#include "tee_runtime/crypto.h"
#include "tee_runtime/enclave.h"
#include "tee_runtime/frames.h"
#include "tee_runtime/sandbox.h"
#include "victim/execute.h"

namespace {

using namespace splitleak;
using namespace splitleak::tee;

// Before Init, frames up to 8 GiB (the partition); after it, up to the memory budget.
constexpr int64_t kMaxInitFrame = int64_t{8} << 30;

int serve(int fd, bool in_enclave) {
  EnclaveCore core;
  int64_t budget = 0, max_frame = kMaxInitFrame;
  for (;;) {
    Frame f;
    IoStatus s;
    try {
      s = read_frame(fd, f, max_frame, -1);
    } catch (const Error& e) {
      write_frame(fd, FrameType::Error, e.what(), 5);
      return 3;
    }
    if (s != IoStatus::Ok) return 0;  // the host has gone
    auto answer_error = [&](const std::string& message) { write_frame(fd, FrameType::Error, message, 5); };
    try {
      switch (f.type) {
        case FrameType::Init: {
          check(!core.loaded(), "the enclave already holds a partition");
          check(f.payload.size() >= 12, "Init frame too short");
          uint64_t b = 0;
          int32_t threads = 0;
          std::memcpy(&b, f.payload.data(), 8), std::memcpy(&threads, f.payload.data() + 8, 4);
          check(b > 0 && threads > 0 && threads <= 1024, "Init frame: bad memory budget or thread count");
          budget = static_cast<int64_t>(b);
          set_num_threads(threads);
          sodium_ready();
          if (!in_enclave) limit_memory(budget);
          Measurement m;
          try {
            m = core.load(std::string_view(f.payload).substr(12));
            f.payload.clear();
            f.payload.shrink_to_fit();
            // Warm-up at batch 1: start the engine's threads and size the heap before the sandbox.
            // A random defence's draws here are discarded: any generator serves.
            Tensor x = Tensor::zeros(core.partition().input().shape);
            Generator discarded(0);
            victim::RunOptions options;
            options.generator = &discarded;
            victim::run(core.partition(), x, options);
          } catch (const std::bad_alloc&) {
            throw Error("the partition does not fit the enclave's memory budget of " + std::to_string(budget >> 20) +
                        " MiB");
          }
          const std::string report = in_enclave ? std::string("inside an SGX enclave (Gramine): no seccomp or rlimit")
                                                : install_sandbox() + ", memory budget " + std::to_string(budget >> 20) + " MiB";
          // Sealed inputs may be as large as the budget.
          max_frame = budget;
          write_frame(fd, FrameType::Measurement,
                      std::string(reinterpret_cast<const char*>(m.data()), m.size()) + report, 5);
          break;
        }
        case FrameType::Key: {
          check(f.payload.size() == 32, "Key frame: a session key is 32 bytes");
          SessionKey key;
          std::memcpy(key.bytes.data(), f.payload.data(), 32);
          std::memset(f.payload.data(), 0, f.payload.size());
          core.provision(key);
          write_frame(fd, FrameType::Ready, {}, 5);
          break;
        }
        case FrameType::Run: {
          EnclaveTiming timing;
          std::string features;
          try {
            features = core.run(f.payload, timing);
          } catch (const std::bad_alloc&) {
            throw Error("the input does not fit the enclave's memory budget of " + std::to_string(budget >> 20) +
                        " MiB");
          }
          std::string out(25, '\0');
          const double times[3] = {timing.decrypt_ms, timing.compute_ms, timing.export_ms};
          std::memcpy(out.data(), times, sizeof times);
          out[24] = core.stream_ended() ? 1 : 0;
          out += features;
          features.clear();
          if (write_frame(fd, FrameType::Features, out, -1) != IoStatus::Ok) return 0;
          break;
        }
        case FrameType::Shutdown:
          return 0;
        default:
          answer_error("unexpected " + frame_type_name(f.type) + " frame");
          return 3;
      }
    } catch (const Error& e) {
      answer_error(e.what());
      if (f.type == FrameType::Init) return 3;  // no partition, no session: nothing to serve
    } catch (const std::bad_alloc&) {
      answer_error("out of memory (the enclave's budget is " + std::to_string(budget >> 20) + " MiB)");
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  const bool in_enclave = argc == 4 && std::strcmp(argv[3], "--in-enclave") == 0;
  if ((argc != 3 && !in_enclave) || std::strcmp(argv[1], "--fd") != 0) {
    std::fprintf(stderr, "splitleak-enclave: the process backend's enclave; splitleak starts it "
                         "(usage: splitleak-enclave --fd N [--in-enclave])\n");
    return 2;
  }
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  mallopt(M_ARENA_MAX, 2);
  const int fd = std::atoi(argv[2]);
  try {
    if (!in_enclave) make_undumpable();  // inside SGX the hardware keeps the host out
    return serve(fd, in_enclave);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "splitleak-enclave: %s\n", e.what());
    return 1;
  }
}
