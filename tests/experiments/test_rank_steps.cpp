// The attack device each rank of a run takes (one rank per GPU of a node).
#include <gtest/gtest.h>

#include "core/error.h"
#include "experiments/rank_steps.h"

namespace splitleak::experiments {
namespace {

TEST(RankDevice, AnUnpinnedOpenclDeviceIsTheLocalRankModuloTheDevices) {
  EXPECT_EQ(device_for_rank("opencl", 8, 0, 4), (Device{true, 0, 0}));
  EXPECT_EQ(device_for_rank("opencl", 8, 3, 4), (Device{true, 0, 3}));
  EXPECT_EQ(device_for_rank("opencl", 8, 5, 4), (Device{true, 0, 1}));
  EXPECT_EQ(device_for_rank("opencl", 3, 2, 2), (Device{true, 0, 0}));
}

TEST(RankDevice, APinnedDeviceTheCpuOrASingleRankKeepTheSpec) {
  EXPECT_EQ(device_for_rank("opencl:0:1", 8, 5, 4), (Device{true, 0, 1}));
  EXPECT_EQ(device_for_rank("opencl:1:0", 8, 5, 4), (Device{true, 1, 0}));
  EXPECT_EQ(device_for_rank("cpu", 8, 5, 4), (Device{false, 0, 0}));
  EXPECT_EQ(device_for_rank("opencl", 1, 0, 4), (Device{true, 0, 0}));
  EXPECT_EQ(device_for_rank("opencl", 8, 5, 0), (Device{true, 0, 0}));  // no devices: opening names it
  EXPECT_THROW(device_for_rank("cuda", 8, 5, 4), Error);
}

}  // namespace
}  // namespace splitleak::experiments
