// core/memory.h: what may still be allocated, and the check large host allocations pass first.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <fstream>
#include <string>

#include "core/error.h"
#include "core/memory.h"
#include "core/tensor.h"

namespace splitleak {
namespace {

TEST(Memory, AvailableIsKnownAndPlausibleHere) {
  const int64_t available = available_memory_bytes();
  ASSERT_GT(available, 0);  // Linux: /proc/meminfo
  EXPECT_LT(available, int64_t{1} << 50);
}

TEST(Memory, BytesText) {
  EXPECT_EQ(bytes_text(512), "512 B");
  EXPECT_EQ(bytes_text(int64_t{3} << 19), "1.5 MiB");
  EXPECT_EQ(bytes_text(int64_t{120} << 30), "120.0 GiB");
}

// A tensor the machine cannot hold is refused before any allocation, naming its shape, its size
// and the limit; a small one is never checked.
TEST(Memory, TensorsBeyondTheMachineAreRefusedWithTheirSize) {
  const int64_t available = available_memory_bytes();
  const int64_t side = 1 << 20, depth = available / (int64_t{4} << 40) + 2;  // > 4 TiB x depth
  try {
    Tensor::empty({depth, side, side});
    FAIL() << "allocated " << depth << " x 2^40 floats";
  } catch (const Error& e) {
    const std::string what = e.what();
    EXPECT_EQ(e.kind(), Error::Kind::BadInput);
    EXPECT_NE(what.find("a tensor of shape [" + std::to_string(depth) + ", 1048576, 1048576] needs "), std::string::npos)
        << what;
    EXPECT_NE(what.find("of memory available"), std::string::npos) << what;
  }
  EXPECT_THROW(check_allocation(available + (int64_t{1} << 30), "it"), Error);
  EXPECT_NO_THROW(check_allocation(kCheckedAllocationBytes - 1, "a small one"));
  EXPECT_THROW(Tensor::empty({int64_t{1} << 62, 4}), Error);  // elements overflow bytes
}

// `ulimit -v` (RLIMIT_AS) is honoured: with 1 GiB of address space left, 2 GiB is refused and
// the message says which limit refused it.
TEST(Memory, TheAddressSpaceLimitIsHonoured) {
  struct rlimit saved {};
  ASSERT_EQ(::getrlimit(RLIMIT_AS, &saved), 0);
  const int64_t before = available_memory_bytes();
  ASSERT_GT(before, int64_t{2} << 30) << "the test needs 2 GiB available";
  std::ifstream status("/proc/self/status");
  std::string line;
  int64_t vm_kib = -1;
  while (std::getline(status, line))
    if (line.rfind("VmSize:", 0) == 0) vm_kib = std::stoll(line.substr(7));
  ASSERT_GT(vm_kib, 0);
  struct rlimit tight = saved;
  tight.rlim_cur = static_cast<rlim_t>(vm_kib * 1024 + (int64_t{1} << 30));
  ASSERT_EQ(::setrlimit(RLIMIT_AS, &tight), 0);
  const MemoryLimit limit = memory_limit();
  std::string refused;
  try {
    check_allocation(int64_t{2} << 30, "two gibibytes");
  } catch (const Error& e) {
    refused = e.what();
  }
  ASSERT_EQ(::setrlimit(RLIMIT_AS, &saved), 0);
  EXPECT_EQ(limit.source, "the address-space limit (ulimit -v)");
  EXPECT_LE(limit.bytes, int64_t{1} << 30);
  EXPECT_GT(limit.bytes, int64_t{1} << 29);
  EXPECT_NE(refused.find("two gibibytes needs 2.0 GiB, more than the"), std::string::npos) << refused;
  EXPECT_NE(refused.find("(the address-space limit (ulimit -v))"), std::string::npos) << refused;
  EXPECT_GT(available_memory_bytes(), int64_t{2} << 30);  // the limit restored
}

TEST(Memory, LiveAndPeakTensorBytesFollowHostStorage) {
  const int64_t before = live_tensor_bytes();
  reset_tensor_peak();
  {
    const Tensor a = Tensor::empty({1000});
    EXPECT_EQ(live_tensor_bytes(), before + 4000);
    {
      const Tensor b = Tensor::zeros({10, 50});
      const Tensor view = b.slice(0, 5);  // a view shares the storage: nothing more
      EXPECT_EQ(live_tensor_bytes(), before + 6000);
    }
    EXPECT_EQ(live_tensor_bytes(), before + 4000);
    EXPECT_EQ(peak_tensor_bytes(), before + 6000);
    reset_tensor_peak();
    EXPECT_EQ(peak_tensor_bytes(), before + 4000);
  }
  EXPECT_EQ(live_tensor_bytes(), before);
}

}  // namespace
}  // namespace splitleak
