// Device names: cpu, opencl, opencl:P:D, and clear errors for anything else.
#include <gtest/gtest.h>

#include "core/device.h"
#include "core/error.h"

namespace splitleak {
namespace {

TEST(Device, ParsedAndNamed) {
  EXPECT_EQ(parse_device("opencl:1:2").spec(), "opencl:1:2");
  EXPECT_EQ(parse_device("opencl"), (Device{true, 0, 0}));
  EXPECT_FALSE(parse_device("cpu").opencl);
  EXPECT_EQ(parse_device("cpu").spec(), "cpu");
  for (const char* bad : {"cuda", "opencl:0", "opencl:0:0:0", "opencl:-1:0", "opencl:a:b", "", "CPU"}) {
    try {
      parse_device(bad);
      FAIL() << bad;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("expected cpu, opencl or opencl:PLATFORM:DEVICE"), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace splitleak
