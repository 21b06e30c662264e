// The enclave backends: sim, process and a plain forward give the same feature maps bit for bit
// at every valid cut; tampered inputs are rejected by the child with nothing computed; a child
// that crashes, hangs, runs out of its memory budget or speaks garbage gives a clear error at the
// host within its timeout.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdlib>

#include "core/autograd.h"
#include "core/error.h"
#include "core/tensor_bytes.h"
#include "tee_runtime/enclave.h"
#include "tee_runtime/process_enclave.h"
#include "tests/support/random.h"
#include "victim/defence.h"
#include "victim/execute.h"
#include "victim/partition.h"
#include "victim/zoo/zoo.h"

namespace splitleak::tee {
namespace {

using testing::uniform_tensor;

EnclaveOptions process_options() {
  EnclaveOptions o;
  o.backend = "process";
  o.executable = SPLITLEAK_ENCLAVE_EXE;
  o.load_timeout_s = 60, o.run_timeout_s = 60;
  return o;
}

// Every valid cut of `spec`: plain front forward == sim == process, bit for bit.
void expect_backends_agree(const std::string& spec, const Shape& batch_shape) {
  const victim::Graph g = victim::zoo::build(spec);
  const Tensor x = uniform_tensor(batch_shape, 11);
  const SessionKey key = SessionKey::generate();
  int checked = 0;
  for (int index : victim::valid_cuts(g)) {
    const std::string cut = g.nodes[index].name;
    const victim::Partition p = victim::partition(g, cut);
    Tensor plain;
    {
      autograd::NoGradGuard no_grad;
      plain = victim::run(p.front, x);
    }
    for (const char* backend : {"sim", "process"}) {
      EnclaveOptions o = process_options();
      o.backend = backend;
      auto enclave = make_enclave(o);
      const Measurement m = enclave->load(p.front);
      EXPECT_EQ(m, measure(p.front));
      enclave->provision(key);
      Sealer sealer(key, m);
      const EnclaveOutput out = enclave->run(sealer.seal(tensor_to_bytes(x)));
      ASSERT_EQ(out.features.shape(), plain.shape()) << spec << " " << cut << " " << backend;
      EXPECT_EQ(out.features.to_vector(), plain.to_vector()) << spec << " " << cut << " " << backend;
      EXPECT_GT(out.timing.compute_ms, 0.0);
    }
    ++checked;
  }
  EXPECT_GT(checked, 5) << spec;
}

TEST(Enclave, BackendsMatchPlainForwardAtEveryCutOfVgg16) {
  expect_backends_agree("vgg16:width=0.25,input=3x32x32,classes=10", {2, 3, 32, 32});
}

TEST(Enclave, BackendsMatchPlainForwardAtEveryCutOfResnet50) {
  expect_backends_agree("resnet50:input=3x32x32,classes=10", {2, 3, 32, 32});
}

// A defence at the cut runs inside the enclave: sim and process give the same defended features
// for the same key and sealed messages; a random defence draws afresh for every message, which a
// plain forward (without the session key) does not reproduce; a deterministic one equals it.
TEST(Enclave, DefencesAtTheCutRunAlikeInEveryBackendWithFreshDraws) {
  const victim::Partition p = victim::partition(victim::zoo::build("lenet5"), "pool1");
  const Tensor x = uniform_tensor({2, 1, 28, 28}, 3);
  victim::FeatureStatistics statistics;
  {
    autograd::NoGradGuard no_grad;
    statistics.add(victim::run(p.front, x));
  }
  for (const victim::DefenceSpec& spec : {victim::DefenceSpec{"noise", 0.5}, victim::DefenceSpec{"dropout", 0.3},
                                          victim::DefenceSpec{"quantize", 4}}) {
    const victim::Graph defended = victim::defend(p.front, spec, statistics);
    const SessionKey key = SessionKey::generate();
    Sealer sealer(key, measure(defended));
    const std::vector<std::string> messages{sealer.seal(tensor_to_bytes(x)), sealer.seal(tensor_to_bytes(x))};
    std::vector<std::vector<std::vector<float>>> outputs;  // [backend][message]
    for (const char* backend : {"sim", "process"}) {
      EnclaveOptions o = process_options();
      o.backend = backend;
      auto enclave = make_enclave(o);
      enclave->load(defended);
      enclave->provision(key);
      outputs.push_back({});
      for (const std::string& m : messages) outputs.back().push_back(enclave->run(m).features.to_vector());
    }
    EXPECT_EQ(outputs[0], outputs[1]) << spec.label();
    Generator gen(0);
    victim::RunOptions plain_options;
    plain_options.generator = &gen;
    autograd::NoGradGuard no_grad;
    const std::vector<float> plain = victim::run(defended, x, plain_options).to_vector();
    const bool random = spec.kind != "quantize";
    EXPECT_EQ(outputs[0][0] != outputs[0][1], random) << spec.label();
    EXPECT_EQ(outputs[0][0] != plain, random) << spec.label();
  }
}

struct Session {
  std::unique_ptr<Enclave> enclave;
  SessionKey key = SessionKey::generate();
  Measurement measurement{};
  victim::Partition partition;
};

Session start(const EnclaveOptions& o, const std::string& spec = "lenet5", const std::string& cut = "pool2") {
  Session s;
  s.partition = victim::partition(victim::zoo::build(spec), cut);
  s.enclave = make_enclave(o);
  s.measurement = s.enclave->load(s.partition.front);
  s.enclave->provision(s.key);
  return s;
}

void expect_error(const std::function<void()>& f, const std::string& fragment) {
  try {
    f();
    FAIL() << "no error; expected '" << fragment << "'";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

TEST(Enclave, ProcessChildRejectsTamperingAndKeepsServing) {
  Session s = start(process_options());
  auto* process = dynamic_cast<ProcessEnclave*>(s.enclave.get());
  ASSERT_NE(process, nullptr);
  EXPECT_NE(process->sandbox_report().find("seccomp"), std::string::npos) << process->sandbox_report();
  const Tensor x = uniform_tensor({3, 1, 28, 28}, 2);
  Sealer sealer(s.key, s.measurement);
  const std::string m0 = sealer.seal(tensor_to_bytes(x)), m1 = sealer.seal(tensor_to_bytes(x));
  std::string flipped = m0;
  flipped[flipped.size() / 2] ^= 0x10;
  expect_error([&] { s.enclave->run(flipped); }, "does not authenticate");
  expect_error([&] { s.enclave->run(m1); }, "a reordered or dropped message");
  expect_error([&] { s.enclave->run(m0.substr(0, 30)); }, "truncated");
  Sealer wrong_key(SessionKey::generate(), s.measurement);
  expect_error([&] { s.enclave->run(wrong_key.seal(tensor_to_bytes(x))); }, "does not authenticate");
  EXPECT_EQ(s.enclave->run(m0).features.shape(), (Shape{3, 16, 5, 5}));
  expect_error([&] { s.enclave->run(m0); }, "a replayed message");
  EXPECT_EQ(s.enclave->run(m1).features.shape(), (Shape{3, 16, 5, 5}));
  // Authentic, but of the wrong shape: refused before any compute.
  expect_error([&] { s.enclave->run(sealer.seal(tensor_to_bytes(uniform_tensor({1, 3, 28, 28}, 1)))); },
               "the partition takes (N, [1, 28, 28])");
  EXPECT_EQ(s.enclave->run(sealer.seal(tensor_to_bytes(x))).features.shape(), (Shape{3, 16, 5, 5}));
}

TEST(Enclave, SimRejectsTamperingToo) {
  EnclaveOptions o;
  Session s = start(o);
  Sealer sealer(s.key, s.measurement);
  std::string m = sealer.seal(tensor_to_bytes(uniform_tensor({1, 1, 28, 28}, 3)));
  m.back() ^= 1;
  expect_error([&] { s.enclave->run(m); }, "does not authenticate");
}

TEST(Enclave, ChildCrashIsReportedAtTheHost) {
  Session s = start(process_options());
  auto* process = dynamic_cast<ProcessEnclave*>(s.enclave.get());
  ASSERT_GT(process->child_pid(), 0);
  ::kill(process->child_pid(), SIGKILL);
  Sealer sealer(s.key, s.measurement);
  expect_error([&] { s.enclave->run(sealer.seal(tensor_to_bytes(uniform_tensor({1, 1, 28, 28}, 4)))); },
               "killed by signal 9");
  expect_error([&] { s.enclave->run("anything"); }, "no longer running");
}

TEST(Enclave, ChildHangTimesOut) {
  EnclaveOptions o = process_options();
  o.run_timeout_s = 1;
  Session s = start(o);
  auto* process = dynamic_cast<ProcessEnclave*>(s.enclave.get());
  const pid_t pid = process->child_pid();
  ::kill(pid, SIGSTOP);
  Sealer sealer(s.key, s.measurement);
  const auto t0 = std::chrono::steady_clock::now();
  expect_error([&] { s.enclave->run(sealer.seal(tensor_to_bytes(uniform_tensor({1, 1, 28, 28}, 5)))); },
               "did not answer Run within 1");
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 5.0);
  EXPECT_EQ(process->child_pid(), 0);  // stopped and reaped
  EXPECT_EQ(::kill(pid, 0), -1);
}

TEST(Enclave, MemoryBudgetIsEnforced) {
  EnclaveOptions o = process_options();
  o.memory_budget_bytes = int64_t{16} << 20;
  o.threads = 1;
  // VGG-16's convolutions hold 59 MB of weights: more than the budget.
  expect_error([&] { start(o, "vgg16:input=3x32x32,classes=10", "pool5"); }, "memory budget of 16 MiB");
  // LeNet-5 fits, and so do 1024 images (3 MB), but not their activations (19 MB for conv1
  // alone). The sealed input authenticated, so it is consumed.
  Session s = start(o, "lenet5", "pool2");
  Sealer sealer(s.key, s.measurement);
  const Tensor big = Tensor::zeros({1024, 1, 28, 28});
  expect_error([&] { s.enclave->run(sealer.seal(tensor_to_bytes(big))); }, "memory budget of 16 MiB");
  // Still serving, within the budget.
  EXPECT_EQ(s.enclave->run(sealer.seal(tensor_to_bytes(Tensor::zeros({8, 1, 28, 28})))).features.size(0), 8);
}

TEST(Enclave, MisbehavingChildrenGiveClearErrors) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"exit", "exited with status 7"},
      {"garbage", "malformed frame"},
      {"oversized", "oversized frame: Measurement of 1099511627776 bytes"},
      {"silent", "did not answer Init within 2"},
      {"wrong", "reported measurement 0000"},
  };
  for (const auto& [mode, fragment] : cases) {
    ::setenv("SPLITLEAK_FAKE_ENCLAVE", mode.c_str(), 1);
    EnclaveOptions o = process_options();
    o.executable = SPLITLEAK_FAKE_ENCLAVE_EXE;
    o.load_timeout_s = 2;
    const auto t0 = std::chrono::steady_clock::now();
    expect_error([&] { start(o); }, fragment);
    EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 6.0) << mode;
  }
  ::unsetenv("SPLITLEAK_FAKE_ENCLAVE");
  EnclaveOptions o = process_options();
  o.executable = "/nonexistent/splitleak-enclave";
  expect_error([&] { make_enclave(o); }, "not an executable enclave program");
  o.backend = "sgx";
  expect_error([&] { make_enclave(o); }, "unknown TEE backend 'sgx'");
}

}  // namespace
}  // namespace splitleak::tee
