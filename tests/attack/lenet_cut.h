#pragma once
// Test fixture of the attacker tests: a random-init LeNet-5 cut at a node, the first `count`
// Fashion-MNIST test images and their features there.
#include <string>
#include <vector>

#include "core/autograd.h"
#include "datasets/fashion_mnist.h"
#include "victim/execute.h"
#include "victim/partition.h"
#include "victim/zoo/zoo.h"

namespace splitleak::attack::testing {

inline double mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return s / static_cast<double>(v.size());
}

struct LeNetCut {
  victim::Graph lenet = victim::zoo::build("lenet5");
  victim::Partition partition;
  datasets::ImageSet data;
  Tensor features;  // (count, feature shape...)
  LeNetCut(const std::string& cut, int64_t count)
      : partition(victim::partition(lenet, cut)),
        data(datasets::load_fashion_mnist(datasets::Part::Test, {}).slice(0, count)) {
    autograd::NoGradGuard no_grad;
    features = victim::run(partition.front, data.images);
  }
  Shape feature_shape() const { return Shape(features.shape().begin() + 1, features.shape().end()); }
};

}  // namespace splitleak::attack::testing
