#pragma once
// The model zoo: torchvision's VGG-16 (and -BN), ResNet-50 and EfficientNet-B0 with their exact
// structure and parameter names, and LeNet-5, as victim graphs with seeded torchvision
// initialisation. Every zoo graph takes [0, 1] images and normalises them itself.
//
// Spec: NAME[:key=value,...] with NAME one of vgg16, vgg16_bn, resnet50, efficientnet_b0,
// lenet5 and keys width= (channel multiplier, > 0), input=CxHxW, classes=N, seed=S.
#include <string>
#include <vector>

#include "victim/graph.h"

namespace splitleak::victim::zoo {

struct ZooOptions {
  double width = 1.0;
  Shape input;          // C, H, W; empty = the architecture's default
  int64_t classes = 0;  // 0 = the architecture's default
  uint64_t seed = 0;
};

std::vector<std::string> zoo_names();
bool is_zoo_spec(const std::string& spec);
// Throws Error naming the spec and the bad key or value, or a key given twice.
Graph build(const std::string& spec);
// `spec` with option `key` set to `value` (replaced where the spec gives it, else appended).
std::string with_option(const std::string& spec, const std::string& key, const std::string& value);
Graph build(const std::string& name, const ZooOptions& options);

Graph vgg16(const ZooOptions& options, bool batch_norm);
Graph resnet50(const ZooOptions& options);
Graph efficientnet_b0(const ZooOptions& options);
Graph lenet5(const ZooOptions& options);

}  // namespace splitleak::victim::zoo
