// torchvision's resnet50 (v1.5: the stride sits in the 3x3 conv of each bottleneck). Cut names
// are torchvision's module paths: conv1 bn1 relu maxpool layer1.0 ... layer4.2 avgpool fc; the
// nodes inside a block (layerL.B.conv1, .bn1, .relu1, ..., .downsample.0/1, .add) are not
// candidates, since the skip connection crosses them.
#include "victim/zoo/builder.h"
#include "victim/zoo/zoo.h"

namespace splitleak::victim::zoo {

Graph resnet50(const ZooOptions& o) {
  const Shape input = o.input.empty() ? Shape{3, 224, 224} : o.input;
  const int64_t classes = o.classes > 0 ? o.classes : 1000;
  const int64_t expansion = 4;
  const int layers[4] = {3, 4, 6, 3};
  GraphBuilder b(input, o.seed);
  int x = b.add_normalize(0);
  const int64_t stem = scaled(64, o.width);
  x = b.add_conv("conv1", "conv1", x, stem, 7, 2, 3, 1, false, ConvInit::KaimingNormalFanOut);
  x = b.add_batch_norm("bn1", "bn1", x);
  x = b.add("relu", op::Relu{}, {x});
  x = b.add_max_pool("maxpool", x, 3, 2, 1);
  for (int l = 0; l < 4; ++l) {
    const int64_t planes = scaled(64 << l, o.width);
    for (int blk = 0; blk < layers[l]; ++blk) {
      const std::string p = "layer" + std::to_string(l + 1) + "." + std::to_string(blk);
      const int64_t stride = (blk == 0 && l > 0) ? 2 : 1;
      const int identity = x;
      int y = b.add_conv(p + ".conv1", p + ".conv1", x, planes, 1, 1, 0, 1, false, ConvInit::KaimingNormalFanOut, false);
      y = b.add_batch_norm(p + ".bn1", p + ".bn1", y, false);
      y = b.add(p + ".relu1", op::Relu{}, {y}, false);
      y = b.add_conv(p + ".conv2", p + ".conv2", y, planes, 3, stride, 1, 1, false, ConvInit::KaimingNormalFanOut, false);
      y = b.add_batch_norm(p + ".bn2", p + ".bn2", y, false);
      y = b.add(p + ".relu2", op::Relu{}, {y}, false);
      y = b.add_conv(p + ".conv3", p + ".conv3", y, planes * expansion, 1, 1, 0, 1, false,
                     ConvInit::KaimingNormalFanOut, false);
      y = b.add_batch_norm(p + ".bn3", p + ".bn3", y, false);
      int shortcut = identity;
      if (blk == 0 && (stride != 1 || b.channels(identity) != planes * expansion)) {
        shortcut = b.add_conv(p + ".downsample.0", p + ".downsample.0", identity, planes * expansion, 1, stride, 0, 1,
                              false, ConvInit::KaimingNormalFanOut, false);
        shortcut = b.add_batch_norm(p + ".downsample.1", p + ".downsample.1", shortcut, false);
      }
      y = b.add(p + ".add", op::Add{}, {y, shortcut}, false);
      x = b.add(p, op::Relu{}, {y});
    }
  }
  x = b.add_adaptive_pool("avgpool", x, 1);
  x = b.add("flatten", op::Flatten{}, {x}, false);
  b.add_linear("fc", "fc", x, classes, LinearInit::TorchDefault);
  return b.finish({{"architecture", "resnet50"}, {"classes", std::to_string(classes)}});
}

}  // namespace splitleak::victim::zoo
