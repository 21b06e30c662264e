// torchvision's vgg16 / vgg16_bn: features (13 convs in 5 blocks, max-pooled), avgpool to 7x7,
// classifier Linear-ReLU-Dropout-Linear-ReLU-Dropout-Linear. Cut names conv{b}_{i}, bn{b}_{i},
// relu{b}_{i}, pool{b}, fc6, relu6, fc7, relu7, fc8; weights under features.{k} / classifier.{k}.
#include "victim/zoo/builder.h"
#include "victim/zoo/zoo.h"

namespace splitleak::victim::zoo {

Graph vgg16(const ZooOptions& o, bool batch_norm) {
  const Shape input = o.input.empty() ? Shape{3, 224, 224} : o.input;
  const int64_t classes = o.classes > 0 ? o.classes : 1000;
  const int blocks[5][2] = {{64, 2}, {128, 2}, {256, 3}, {512, 3}, {512, 3}};
  GraphBuilder b(input, o.seed);
  int x = b.add_normalize(0);
  int k = 0;  // index in torchvision's features Sequential
  for (int blk = 0; blk < 5; ++blk) {
    for (int i = 1; i <= blocks[blk][1]; ++i) {
      const std::string suffix = std::to_string(blk + 1) + "_" + std::to_string(i);
      x = b.add_conv("conv" + suffix, "features." + std::to_string(k++), x, scaled(blocks[blk][0], o.width), 3, 1, 1,
                     1, true, ConvInit::KaimingNormalFanOut);
      if (batch_norm) x = b.add_batch_norm("bn" + suffix, "features." + std::to_string(k++), x);
      x = b.add("relu" + suffix, op::Relu{}, {x});
      ++k;
    }
    x = b.add_max_pool("pool" + std::to_string(blk + 1), x, 2, 2, 0);
    ++k;
  }
  x = b.add_adaptive_pool("avgpool", x, 7, false);
  x = b.add("flatten", op::Flatten{}, {x}, false);
  const int64_t hidden = scaled(4096, o.width);
  x = b.add_linear("fc6", "classifier.0", x, hidden, LinearInit::Normal001);
  x = b.add("relu6", op::Relu{}, {x});
  x = b.add_dropout("drop6", x, 0.5f);
  x = b.add_linear("fc7", "classifier.3", x, hidden, LinearInit::Normal001);
  x = b.add("relu7", op::Relu{}, {x});
  x = b.add_dropout("drop7", x, 0.5f);
  b.add_linear("fc8", "classifier.6", x, classes, LinearInit::Normal001);
  return b.finish({{"architecture", batch_norm ? "vgg16_bn" : "vgg16"}, {"classes", std::to_string(classes)}});
}

}  // namespace splitleak::victim::zoo
