#pragma once
// A small labelled image set for training tests: the first `count` (<= 512) Fashion-MNIST
// training images at 32 x 32, read once per test binary and shared (a slice views them).
#include <cstdint>

#include "datasets/fashion_mnist.h"

namespace splitleak::testing {

inline datasets::ImageSet fashion_mnist_32(int64_t count) {
  static const datasets::ImageSet first = [] {
    datasets::FashionMnistOptions o;
    o.size = 32;
    return datasets::load_fashion_mnist(datasets::Part::Train, o).slice(0, 512);
  }();
  return first.slice(0, count);
}

}  // namespace splitleak::testing
