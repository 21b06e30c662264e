// Victim training on the machine's OpenCL device (PoCL here) against the CPU engine: the same
// seed gives weights within float rounding and the same test accuracy, and the weights are back
// on the host afterwards.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "datasets/fashion_mnist.h"
#include "victim/execute.h"
#include "victim/train.h"
#include "victim/zoo/zoo.h"

namespace splitleak::victim {
namespace {

TEST(TrainVictimOnDevice, MatchesTheCpuEngine) {
  const datasets::ImageSet set = datasets::load_fashion_mnist(datasets::Part::Train, {}).slice(0, 384);
  const datasets::ImageSet train = set.slice(0, 256), test = set.slice(256, 384);
  TrainOptions o;
  o.epochs = 1, o.batch_size = 64, o.seed = 3;
  Graph cpu = zoo::build("lenet5"), device = zoo::build("lenet5");
  const TrainResult want = train_victim(cpu, train, test, o);
  o.device = parse_device("opencl");
  const TrainResult got = train_victim(device, train, test, o);
  EXPECT_EQ(device_of(device), Device{});
  EXPECT_EQ(got.test_accuracy, want.test_accuracy);
  EXPECT_NEAR(got.final_loss, want.final_loss, 1e-4);
  double worst = 0;
  for (const auto& [name, t] : cpu.parameters()) {
    const std::vector<float> a = t.to_vector(), b = device.weight(name).to_vector();
    for (size_t i = 0; i < a.size(); ++i) worst = std::max(worst, double(std::abs(a[i] - b[i])));
  }
  EXPECT_LT(worst, 1e-4);
}

}  // namespace
}  // namespace splitleak::victim
