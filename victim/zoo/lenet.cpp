// LeNet-5 (LeCun et al. 1998, with ReLU and max pooling as in He et al. 2019): conv1 5x5 (pad 2)
// -> relu1 -> pool1 -> conv2 5x5 -> relu2 -> pool2 -> fc1 120 -> relu3 -> fc2 84 -> relu4 -> fc3.
// Weights as a torch module with attributes conv1, conv2, fc1, fc2, fc3 (torch's default init).
#include "victim/zoo/builder.h"
#include "victim/zoo/zoo.h"

namespace splitleak::victim::zoo {

Graph lenet5(const ZooOptions& o) {
  const Shape input = o.input.empty() ? Shape{1, 28, 28} : o.input;
  const int64_t classes = o.classes > 0 ? o.classes : 10;
  GraphBuilder b(input, o.seed);
  int x = b.add_normalize(0);
  x = b.add_conv("conv1", "conv1", x, scaled(6, o.width), 5, 1, 2, 1, true, ConvInit::TorchDefault);
  x = b.add("relu1", op::Relu{}, {x});
  x = b.add_max_pool("pool1", x, 2, 2, 0);
  x = b.add_conv("conv2", "conv2", x, scaled(16, o.width), 5, 1, 0, 1, true, ConvInit::TorchDefault);
  x = b.add("relu2", op::Relu{}, {x});
  x = b.add_max_pool("pool2", x, 2, 2, 0);
  x = b.add("flatten", op::Flatten{}, {x}, false);
  x = b.add_linear("fc1", "fc1", x, scaled(120, o.width), LinearInit::TorchDefault);
  x = b.add("relu3", op::Relu{}, {x});
  x = b.add_linear("fc2", "fc2", x, scaled(84, o.width), LinearInit::TorchDefault);
  x = b.add("relu4", op::Relu{}, {x});
  b.add_linear("fc3", "fc3", x, classes, LinearInit::TorchDefault);
  return b.finish({{"architecture", "lenet5"}, {"classes", std::to_string(classes)}});
}

}  // namespace splitleak::victim::zoo
