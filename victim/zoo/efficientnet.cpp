// torchvision's efficientnet_b0: features.0 (3x3 s2 conv-bn-SiLU), features.1..7 (MBConv stages
// with squeeze-and-excitation), features.8 (1x1 conv-bn-SiLU to 4x the last stage's channels),
// avgpool, classifier (Dropout 0.2, Linear). Cut names: features.0 ... features.8, avgpool,
// classifier (the stage outputs; a block's inner nodes keep their module paths and are not
// candidates). Stochastic depth is the identity here, in training too (torchvision drops whole
// residual branches with probability up to 0.2 while training).
#include "victim/zoo/builder.h"
#include "victim/zoo/zoo.h"

namespace splitleak::victim::zoo {
namespace {

struct Stage {
  int64_t expand, kernel, stride, in, out, layers;
};
constexpr Stage kStages[] = {{1, 3, 1, 32, 16, 1},   {6, 3, 2, 16, 24, 2},  {6, 5, 2, 24, 40, 2},
                             {6, 3, 2, 40, 80, 3},   {6, 5, 1, 80, 112, 3}, {6, 5, 2, 112, 192, 4},
                             {6, 3, 1, 192, 320, 1}};

// Conv2dNormActivation: conv (no bias) -> bn -> SiLU (when `act`); returns the last node.
int conv_bn_act(GraphBuilder& b, const std::string& p, int x, int64_t out, int64_t kernel, int64_t stride,
                int64_t groups, bool act, const std::string& last_name) {
  const bool bn_last = !act && !last_name.empty();
  x = b.add_conv(p + ".0", p + ".0", x, out, kernel, stride, (kernel - 1) / 2, groups, false,
                 ConvInit::KaimingNormalFanOut, false);
  x = b.add_batch_norm(bn_last ? last_name : p + ".1", p + ".1", x, false);
  if (act) x = b.add(last_name.empty() ? p + ".2" : last_name, op::Silu{}, {x}, false);
  return x;
}

}  // namespace

Graph efficientnet_b0(const ZooOptions& o) {
  const Shape input = o.input.empty() ? Shape{3, 224, 224} : o.input;
  const int64_t classes = o.classes > 0 ? o.classes : 1000;
  auto adjust = [&](int64_t c) { return make_divisible(static_cast<double>(c) * o.width); };
  GraphBuilder b(input, o.seed);
  int x = b.add_normalize(0);
  x = conv_bn_act(b, "features.0", x, adjust(32), 3, 2, 1, true, "features.0");
  b.node(x).candidate = true;
  for (int si = 0; si < 7; ++si) {
    const Stage& s = kStages[si];
    const std::string stage = "features." + std::to_string(si + 1);
    for (int64_t j = 0; j < s.layers; ++j) {
      const std::string p = stage + "." + std::to_string(j);
      const bool last = j + 1 == s.layers;
      const int64_t in = adjust(j == 0 ? s.in : s.out), out = adjust(s.out), stride = j == 0 ? s.stride : 1;
      const int64_t expanded = make_divisible(static_cast<double>(in) * s.expand);
      const bool residual = stride == 1 && in == out;
      const int block_in = x;
      int y = x;
      int k = 0;  // index in the block's Sequential
      if (expanded != in) y = conv_bn_act(b, p + ".block." + std::to_string(k++), y, expanded, 1, 1, 1, true, "");
      y = conv_bn_act(b, p + ".block." + std::to_string(k++), y, expanded, s.kernel, stride, expanded, true, "");
      // Squeeze-and-excitation: x * sigmoid(fc2(silu(fc1(avgpool(x))))).
      const std::string se = p + ".block." + std::to_string(k++);
      const int64_t squeeze = std::max<int64_t>(1, in / 4);
      int z = b.add(se + ".avgpool", op::GlobalAvgPool{}, {y}, false);
      z = b.add_conv(se + ".fc1", se + ".fc1", z, squeeze, 1, 1, 0, 1, true, ConvInit::KaimingNormalFanOut, false);
      z = b.add(se + ".activation", op::Silu{}, {z}, false);
      z = b.add_conv(se + ".fc2", se + ".fc2", z, expanded, 1, 1, 0, 1, true, ConvInit::KaimingNormalFanOut, false);
      z = b.add(se + ".scale_activation", op::Sigmoid{}, {z}, false);
      y = b.add(se, op::Mul{}, {y, z}, false);
      // Projection; the stage's last block output is named after the stage.
      const std::string out_name = last ? stage : p;
      y = conv_bn_act(b, p + ".block." + std::to_string(k++), y, out, 1, 1, 1, false, residual ? "" : out_name);
      if (residual) y = b.add(out_name, op::Add{}, {y, block_in}, false);
      b.node(y).candidate = last;
      x = y;
    }
  }
  x = conv_bn_act(b, "features.8", x, 4 * adjust(320), 1, 1, 1, true, "features.8");
  b.node(x).candidate = true;
  x = b.add_adaptive_pool("avgpool", x, 1);
  x = b.add("flatten", op::Flatten{}, {x}, false);
  x = b.add_dropout("classifier.0", x, 0.2f);
  b.add_linear("classifier", "classifier.1", x, classes, LinearInit::UniformInvSqrtOut);
  return b.finish({{"architecture", "efficientnet_b0"}, {"classes", std::to_string(classes)}});
}

}  // namespace splitleak::victim::zoo
