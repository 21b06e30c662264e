#include "tests/core/op_cases.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "core/ops.h"

namespace splitleak::testing {
namespace {

using K = InputSpec::Kind;
using nlohmann::json;

InputSpec in(Shape s, bool grad = true) { return {std::move(s), K::Uniform, -1.0f, 1.0f, grad, 0, {}}; }
InputSpec kinked(Shape s, std::vector<float> kinks, float lo = -1.0f, float hi = 1.0f) {
  return {std::move(s), K::Uniform, lo, hi, true, 0, std::move(kinks)};
}
InputSpec spaced(Shape s) { return {std::move(s), K::Spaced, -2.0f, 2.0f, true, 0, {}}; }
InputSpec positive(Shape s) { return {std::move(s), K::Uniform, 0.5f, 1.5f, false, 0, {}}; }
InputSpec labels(int64_t n, int64_t classes) { return {{n}, K::Labels, 0.0f, 0.0f, false, classes, {}}; }
InputSpec mask(Shape s) { return {std::move(s), K::Mask, 0.0f, 1.0f, false, 0, {}}; }
InputSpec constant01(Shape s) { return {std::move(s), K::Uniform, 0.0f, 1.0f, false, 0, {}}; }

std::array<int64_t, 2> pair_of(const json& a, const char* key, int64_t fallback) {
  if (!a.contains(key)) return {fallback, fallback};
  const json& v = a.at(key);
  if (v.is_array()) return {v.at(0).get<int64_t>(), v.at(1).get<int64_t>()};
  return {v.get<int64_t>(), v.get<int64_t>()};
}

std::vector<OpCase> build_cases() {
  std::vector<OpCase> c;
  // Convolutions: weight (Cout, Cin/g, kh, kw), bias (Cout).
  c.push_back({"conv2d_3x3_p1", "conv2d", {{"padding", 1}}, {in({2, 3, 7, 7}), in({4, 3, 3, 3}), in({4})}});
  c.push_back({"conv2d_s2_p1", "conv2d", {{"stride", 2}, {"padding", 1}}, {in({2, 3, 8, 9}), in({5, 3, 3, 3}), in({5})}});
  c.push_back({"conv2d_dilation2", "conv2d", {{"padding", 2}, {"dilation", 2}}, {in({1, 2, 8, 8}), in({3, 2, 3, 3}), in({3})}});
  c.push_back({"conv2d_groups2", "conv2d", {{"padding", 1}, {"groups", 2}}, {in({2, 4, 6, 6}), in({6, 2, 3, 3}), in({6})}});
  c.push_back({"conv2d_depthwise_s2", "conv2d", {{"stride", 2}, {"padding", 1}, {"groups", 4}},
               {in({2, 4, 7, 7}), in({4, 1, 3, 3}), in({4})}});
  c.push_back({"conv2d_depthwise_5x5", "conv2d", {{"padding", 2}, {"groups", 3}},
               {in({2, 3, 9, 8}), in({3, 1, 5, 5}), in({3})}});
  c.push_back({"conv2d_depthwise_dilated_rect", "conv2d",
               {{"stride", json::array({2, 1})}, {"padding", json::array({1, 2})}, {"dilation", 2}, {"groups", 2}},
               {in({1, 2, 9, 7}), in({2, 1, 3, 3})}});
  c.push_back({"conv2d_1x1_nobias", "conv2d", json::object(), {in({2, 5, 4, 4}), in({3, 5, 1, 1})}});
  c.push_back({"conv2d_4x4_s2_rect", "conv2d", {{"stride", json::array({2, 1})}, {"padding", json::array({1, 0})}},
               {in({3, 2, 8, 6}), in({4, 2, 4, 3}), in({4})}});
  // Images wide enough for several row tiles (core/ops/im2col.h: tile_rows).
  c.push_back({"conv2d_multi_tile", "conv2d", {{"padding", 1}}, {in({2, 2, 40, 40}), in({3, 2, 3, 3}), in({3})}});
  c.push_back({"conv2d_multi_tile_batch1_s2", "conv2d", {{"stride", 2}, {"padding", 1}}, {in({1, 2, 64, 60}), in({2, 2, 3, 3}), in({2})}});
  // 3x3 stride 1 with >= 64 channels: the Winograd path (core/ops/winograd.h), odd sizes for
  // partial edge tiles, and enough tiles for several work items. The stride-1 input gradient runs
  // the same path.
  c.push_back({"conv2d_winograd_p1", "conv2d", {{"padding", 1}}, {in({2, 128, 5, 7}), in({128, 128, 3, 3}), in({128})}});
  c.push_back({"conv2d_winograd_64ch", "conv2d", {{"padding", 1}}, {in({1, 64, 6, 9}), in({64, 64, 3, 3}), in({64})}});
  c.push_back({"conv2d_winograd_p0_odd", "conv2d", json::object(), {in({1, 129, 7, 8}), in({130, 129, 3, 3})}});
  c.push_back({"conv2d_winograd_p2", "conv2d", {{"padding", json::array({2, 0})}}, {in({1, 128, 5, 6}), in({128, 128, 3, 3}), in({128})}});
  c.push_back({"conv2d_winograd_many_tiles", "conv2d", {{"padding", 1}}, {in({3, 128, 22, 26}), in({128, 128, 3, 3}), in({128})}});
  c.push_back({"conv2d_batch3_threads", "conv2d", {{"padding", 1}}, {in({3, 2, 5, 5}), in({2, 2, 3, 3}), in({2})}});
  // Small outputs run on blocks of images side by side (conv_common.h's ImageBlocks): 8x8 outputs
  // of 9 images are three blocks of 3.
  c.push_back({"conv2d_image_blocks_s2", "conv2d", {{"stride", 2}, {"padding", 1}},
               {in({9, 3, 16, 16}), in({4, 3, 4, 4}), in({4})}});
  // One block holding every image (2x2 outputs of 6 images), stride 1: the input gradient is
  // W^T * gy and col2im, and the columns are built by channel across threads.
  c.push_back({"conv2d_one_block_s1_cout2", "conv2d", {{"padding", 1}}, {in({6, 4, 3, 3}), in({2, 4, 4, 4}), in({2})}});
  // Blocks of images whose output rows are at most 4 wide build their columns through a table of
  // tap offsets (im2col.cpp): strided, dilated, padded on one side only.
  c.push_back({"conv2d_image_blocks_table_rect", "conv2d",
               {{"stride", json::array({2, 1})}, {"padding", json::array({1, 0})}, {"dilation", json::array({2, 1})}},
               {in({5, 3, 6, 5}), in({4, 3, 3, 2}), in({4})}});
  // One output channel runs channels-last (few_outputs.h): the PatchGAN's last layer; strided,
  // dilated, padded and rectangular; 80 channels, one 64-lane pass plus a tail and two weight
  // gradient blocks.
  c.push_back({"conv2d_cout1_patchgan", "conv2d", {{"padding", 1}}, {in({6, 4, 3, 3}), in({1, 4, 4, 4}), in({1})}});
  c.push_back({"conv2d_cout1_80_channels", "conv2d", {{"padding", 1}}, {in({2, 80, 3, 3}), in({1, 80, 2, 2}), in({1})}});
  c.push_back({"conv2d_cout1_s2_dilated_rect", "conv2d",
               {{"stride", json::array({2, 1})}, {"padding", json::array({1, 2})}, {"dilation", json::array({2, 1})}},
               {in({2, 3, 9, 8}), in({1, 3, 3, 2})}});
  // Kernels with taps that read only padding run cut to the rest (conv_taps.h): the U-Net's
  // innermost 4x4 stride-2 conv (2x2 -> 1x1, 4 of 16 taps) on blocks of images, on one output
  // channel and depthwise; a 3x3 on 1x1 maps cut to a pointwise conv; a dilated rectangle cut
  // along its rows only.
  c.push_back({"conv2d_cut_taps_innermost", "conv2d", {{"stride", 2}, {"padding", 1}},
               {in({5, 6, 2, 2}), in({4, 6, 4, 4}), in({4})}});
  c.push_back({"conv2d_cut_taps_cout1", "conv2d", {{"stride", 2}, {"padding", 1}}, {in({3, 4, 2, 2}), in({1, 4, 4, 4})}});
  c.push_back({"conv2d_cut_taps_depthwise", "conv2d", {{"stride", 2}, {"padding", 1}, {"groups", 4}},
               {in({2, 4, 2, 2}), in({4, 1, 4, 4}), in({4})}});
  c.push_back({"conv2d_cut_taps_to_pointwise", "conv2d", {{"padding", 1}}, {in({3, 5, 1, 1}), in({4, 5, 3, 3}), in({4})}});
  c.push_back({"conv2d_cut_taps_dilated_rows", "conv2d",
               {{"padding", json::array({2, 1})}, {"dilation", json::array({2, 1})}},
               {in({2, 3, 1, 5}), in({4, 3, 3, 3}), in({4})}});
  // Transposed convolutions: weight (Cin, Cout/g, kh, kw).
  c.push_back({"conv_transpose2d_4x4_s2_p1", "conv_transpose2d", {{"stride", 2}, {"padding", 1}},
               {in({2, 4, 4, 4}), in({4, 3, 4, 4}), in({3})}});
  c.push_back({"conv_transpose2d_outpad", "conv_transpose2d", {{"stride", 2}, {"padding", 1}, {"output_padding", 1}},
               {in({2, 3, 3, 4}), in({3, 2, 3, 3}), in({2})}});
  c.push_back({"conv_transpose2d_groups2_nobias", "conv_transpose2d", {{"stride", 1}, {"padding", 0}, {"groups", 2}},
               {in({1, 4, 3, 3}), in({4, 2, 2, 2})}});
  c.push_back({"conv_transpose2d_dilation2", "conv_transpose2d", {{"stride", 2}, {"dilation", 2}, {"padding", 1}},
               {in({2, 2, 3, 3}), in({2, 3, 3, 3}), in({3})}});
  c.push_back({"conv_transpose2d_multi_tile", "conv_transpose2d", {{"stride", 2}, {"padding", 1}},
               {in({2, 3, 36, 36}), in({3, 2, 4, 4}), in({2})}});
  // 4x4 inputs of 20 images: two blocks of 10.
  c.push_back({"conv_transpose2d_image_blocks", "conv_transpose2d", {{"stride", 2}, {"padding", 1}},
               {in({20, 3, 4, 4}), in({3, 2, 4, 4}), in({2})}});
  // 1x1 inputs of 5 images, one block (the U-Net's innermost up-convolution).
  c.push_back({"conv_transpose2d_one_block_1x1", "conv_transpose2d", {{"stride", 2}, {"padding", 1}},
               {in({5, 4, 1, 1}), in({4, 3, 4, 4}), in({3})}});
  // The same up-convolution of one image (not blocked), and a rectangle cut along its rows only.
  c.push_back({"conv_transpose2d_cut_taps_batch1", "conv_transpose2d", {{"stride", 2}, {"padding", 1}},
               {in({1, 4, 1, 1}), in({4, 3, 4, 4}), in({3})}});
  c.push_back({"conv_transpose2d_cut_taps_rows", "conv_transpose2d",
               {{"stride", json::array({2, 1})}, {"padding", json::array({1, 0})}},
               {in({1, 3, 1, 3}), in({3, 2, 4, 2}), in({2})}});
  c.push_back({"linear", "linear", json::object(), {in({4, 6}), in({3, 6}), in({3})}});
  c.push_back({"linear_nobias", "linear", json::object(), {in({2, 5}), in({7, 5})}});
  // Normalisation: x, weight, bias[, running_mean, running_var].
  c.push_back({"batch_norm_train", "batch_norm", {{"training", true}, {"momentum", 0.1}},
               {in({4, 3, 3, 3}), in({3}), in({3}), in({3}, false), positive({3})}});
  c.push_back({"batch_norm_eval", "batch_norm", {{"training", false}},
               {in({2, 3, 4, 4}), in({3}), in({3}), in({3}, false), positive({3})}});
  c.push_back({"batch_norm_train_noaffine_2d", "batch_norm", {{"training", true}, {"momentum", 0.3}},
               {in({6, 4}), in({0}, false), in({0}, false), in({4}, false), positive({4})}});
  c.push_back({"instance_norm_affine", "instance_norm", json::object(), {in({2, 3, 4, 5}), in({3}), in({3})}});
  c.push_back({"instance_norm", "instance_norm", json::object(), {in({3, 2, 5, 5}), in({0}, false), in({0}, false)}});
  // Pooling.
  c.push_back({"max_pool2d_k2", "max_pool2d", {{"kernel", 2}, {"stride", 2}}, {spaced({2, 2, 6, 6})}});
  c.push_back({"max_pool2d_k3_s2_p1", "max_pool2d", {{"kernel", 3}, {"stride", 2}, {"padding", 1}}, {spaced({1, 3, 7, 7})}});
  c.push_back({"max_pool2d_ceil", "max_pool2d", {{"kernel", 3}, {"stride", 2}, {"ceil_mode", true}}, {spaced({2, 1, 8, 8})}});
  c.push_back({"avg_pool2d_k2", "avg_pool2d", {{"kernel", 2}, {"stride", 2}}, {in({2, 3, 6, 6})}});
  c.push_back({"avg_pool2d_k3_p1_include_pad", "avg_pool2d", {{"kernel", 3}, {"stride", 1}, {"padding", 1}},
               {in({2, 2, 5, 5})}});
  c.push_back({"avg_pool2d_k3_p1_exclude_pad", "avg_pool2d",
               {{"kernel", 3}, {"stride", 2}, {"padding", 1}, {"count_include_pad", false}}, {in({2, 2, 7, 6})}});
  c.push_back({"avg_pool2d_ceil", "avg_pool2d", {{"kernel", 3}, {"stride", 2}, {"ceil_mode", true}}, {in({1, 2, 8, 8})}});
  c.push_back({"adaptive_avg_pool2d_7to3", "adaptive_avg_pool2d", {{"output", json::array({3, 3})}}, {in({2, 3, 7, 7})}});
  c.push_back({"adaptive_avg_pool2d_5x6to2x4", "adaptive_avg_pool2d", {{"output", json::array({2, 4})}}, {in({1, 2, 5, 6})}});
  c.push_back({"global_avg_pool2d", "adaptive_avg_pool2d", {{"output", json::array({1, 1})}}, {in({2, 4, 5, 5})}});
  // Pointwise activations, inputs kept away from their kinks.
  c.push_back({"relu", "relu", json::object(), {kinked({2, 3, 4, 4}, {0.0f})}});
  c.push_back({"relu6", "clamp", {{"lo", 0.0}, {"hi", 6.0}}, {kinked({2, 3, 4, 4}, {0.0f, 6.0f}, -2.0f, 8.0f)}});
  c.push_back({"clamp_half", "clamp", {{"lo", -0.5}, {"hi", 0.5}}, {kinked({3, 10}, {-0.5f, 0.5f})}});
  c.push_back({"leaky_relu", "leaky_relu", {{"slope", 0.2}}, {kinked({2, 3, 4, 4}, {0.0f})}});
  c.push_back({"sigmoid", "sigmoid", json::object(), {kinked({2, 3, 4, 4}, {}, -4.0f, 4.0f)}});
  c.push_back({"tanh", "tanh", json::object(), {kinked({2, 3, 4, 4}, {}, -3.0f, 3.0f)}});
  c.push_back({"silu", "silu", json::object(), {kinked({2, 3, 4, 4}, {}, -5.0f, 5.0f)}});
  c.push_back({"hardswish", "hardswish", json::object(), {kinked({2, 3, 4, 4}, {-3.0f, 3.0f}, -5.0f, 5.0f)}});
  c.push_back({"hardsigmoid", "hardsigmoid", json::object(), {kinked({2, 3, 4, 4}, {-3.0f, 3.0f}, -5.0f, 5.0f)}});
  c.push_back({"power_sqrt", "power", {{"exponent", 0.5}}, {kinked({3, 10}, {}, 0.1f, 2.0f)}});
  c.push_back({"power_negative_quarter", "power", {{"exponent", -0.25}}, {kinked({3, 10}, {}, 0.1f, 2.0f)}});
  c.push_back({"power_clamped_below_zero", "power", {{"exponent", 1.5}}, {kinked({3, 10}, {0.0f}, -1.0f, 1.0f)}});
  c.push_back({"dropout_mask", "dropout_mask", {{"p", 0.5}}, {in({2, 3, 4, 4}), mask({2, 3, 4, 4})}});
  // Broadcasting arithmetic.
  c.push_back({"add_same", "add", json::object(), {in({2, 3, 4, 4}), in({2, 3, 4, 4})}});
  c.push_back({"add_channel_bias", "add", json::object(), {in({2, 3, 4, 4}), in({1, 3, 1, 1})}});
  c.push_back({"add_rank3_bias", "add", json::object(), {in({2, 3, 4, 4}), in({3, 1, 1})}});
  c.push_back({"sub_row_broadcast", "sub", json::object(), {in({4, 5}), in({1, 5})}});
  c.push_back({"mul_same", "mul", json::object(), {in({2, 3, 4}), in({2, 3, 4})}});
  c.push_back({"mul_squeeze_excite", "mul", json::object(), {in({2, 4, 3, 3}), in({2, 4, 1, 1})}});
  c.push_back({"mul_scalar_tensor", "mul", json::object(), {in({2, 3, 3, 3}), in({1})}});
  c.push_back({"affine_scalar", "affine_scalar", {{"scale", -1.5}, {"shift", 0.25}}, {in({3, 4})}});
  // Shape ops.
  c.push_back({"concat_channels", "concat", {{"dim", 1}}, {in({2, 2, 3, 3}), in({2, 3, 3, 3}), in({2, 1, 3, 3})}});
  c.push_back({"crop2d_asymmetric", "crop2d", {{"crops", json::array({1, 0, 2, 3})}}, {in({2, 2, 6, 7})}});
  c.push_back({"pad2d_asymmetric", "pad2d", {{"pads", json::array({1, 0, 2, 3})}, {"value", 0.5}}, {in({2, 2, 3, 4})}});
  c.push_back({"concat_batch", "concat", {{"dim", 0}}, {in({1, 2, 3}), in({2, 2, 3})}});
  c.push_back({"narrow_channels", "narrow", {{"dim", 1}, {"start", 2}, {"length", 3}}, {in({2, 6, 3, 3})}});
  c.push_back({"narrow_last_dim", "narrow", {{"dim", 2}, {"start", 0}, {"length", 2}}, {in({2, 3, 5})}});
  c.push_back({"reshape", "reshape", {{"shape", json::array({2, -1})}}, {in({2, 3, 2, 2})}});
  c.push_back({"flatten", "flatten", {{"start_dim", 1}}, {in({3, 2, 2, 3})}});
  // Resizing.
  c.push_back({"upsample_nearest_x2", "upsample_nearest", {{"size", json::array({8, 6})}}, {in({2, 2, 4, 3})}});
  c.push_back({"upsample_nearest_5to7", "upsample_nearest", {{"size", json::array({7, 7})}}, {in({1, 2, 5, 5})}});
  c.push_back({"upsample_bilinear_x2", "upsample_bilinear", {{"size", json::array({8, 8})}, {"align_corners", false}},
               {in({2, 2, 4, 4})}});
  c.push_back({"upsample_bilinear_align", "upsample_bilinear", {{"size", json::array({7, 9})}, {"align_corners", true}},
               {in({1, 2, 5, 4})}});
  c.push_back({"upsample_bilinear_down", "upsample_bilinear", {{"size", json::array({5, 3})}, {"align_corners", false}},
               {in({1, 2, 8, 7})}});
  // Large ratios both ways (the OpenCL backward gathers over a computed range of outputs).
  c.push_back({"upsample_nearest_3to16", "upsample_nearest", {{"size", json::array({16, 11})}}, {in({1, 2, 3, 3})}});
  c.push_back({"upsample_nearest_shrink", "upsample_nearest", {{"size", json::array({4, 3})}}, {in({1, 1, 17, 13})}});
  c.push_back({"upsample_bilinear_shrink", "upsample_bilinear", {{"size", json::array({7, 6})}, {"align_corners", false}},
               {in({1, 1, 32, 29})}});
  c.push_back({"upsample_bilinear_align_3to16", "upsample_bilinear", {{"size", json::array({16, 1})}, {"align_corners", true}},
               {in({1, 2, 3, 4})}});
  // Reductions and softmax.
  c.push_back({"softmax", "softmax", json::object(), {kinked({4, 6}, {}, -3.0f, 3.0f)}});
  c.push_back({"softmax_channels_4d", "softmax", json::object(), {kinked({2, 5, 2, 3}, {}, -3.0f, 3.0f)}});
  c.push_back({"log_softmax", "log_softmax", json::object(), {kinked({4, 6}, {}, -3.0f, 3.0f)}});
  c.push_back({"sum", "sum", json::object(), {in({2, 3, 4})}});
  c.push_back({"mean", "mean", json::object(), {in({2, 3, 4, 5})}});
  // Losses.
  c.push_back({"cross_entropy", "cross_entropy", json::object(), {kinked({5, 4}, {}, -3.0f, 3.0f), labels(5, 4)}});
  c.push_back({"bce_with_logits", "bce_with_logits", json::object(), {kinked({2, 1, 3, 3}, {}, -4.0f, 4.0f), constant01({2, 1, 3, 3})}});
  c.push_back({"l1_loss", "l1_loss", json::object(), {in({2, 3, 4}), in({2, 3, 4})}});
  c.push_back({"mse_loss", "mse_loss", json::object(), {in({2, 3, 4}), in({2, 3, 4})}});
  c.push_back({"total_variation", "total_variation", json::object(), {in({2, 3, 5, 4})}});
  c.push_back({"distance_correlation", "distance_correlation", json::object(), {in({6, 5}), in({6, 2, 2, 2})}});
  c.push_back({"distance_correlation_flat_z", "distance_correlation", json::object(), {in({5, 1, 3, 3}), in({5})}});
  return c;
}

}  // namespace

const std::vector<OpCase>& op_cases() {
  static const std::vector<OpCase> cases = build_cases();
  return cases;
}

Tensor run_op(const OpCase& c, const std::vector<Tensor>& x) {
  const json& a = c.attrs;
  auto opt = [&](size_t i) { return i < x.size() && x[i].defined() && x[i].numel() > 0 ? x[i] : Tensor(); };
  const std::string& op = c.op;
  if (op == "conv2d") {
    ops::Conv2dOptions o;
    o.stride = pair_of(a, "stride", 1), o.padding = pair_of(a, "padding", 0), o.dilation = pair_of(a, "dilation", 1);
    o.groups = a.value("groups", 1);
    return ops::conv2d(x[0], x[1], opt(2), o);
  }
  if (op == "conv_transpose2d") {
    ops::ConvTranspose2dOptions o;
    o.stride = pair_of(a, "stride", 1), o.padding = pair_of(a, "padding", 0);
    o.output_padding = pair_of(a, "output_padding", 0), o.dilation = pair_of(a, "dilation", 1);
    o.groups = a.value("groups", 1);
    return ops::conv_transpose2d(x[0], x[1], opt(2), o);
  }
  if (op == "linear") return ops::linear(x[0], x[1], opt(2));
  if (op == "batch_norm")
    return ops::batch_norm(x[0], opt(1), opt(2), x[3], x[4], a.at("training").get<bool>(), a.value("momentum", 0.1f));
  if (op == "instance_norm") return ops::instance_norm(x[0], opt(1), opt(2));
  if (op == "max_pool2d" || op == "avg_pool2d") {
    ops::Pool2dOptions o;
    o.kernel = pair_of(a, "kernel", 2), o.stride = pair_of(a, "stride", 2), o.padding = pair_of(a, "padding", 0);
    o.ceil_mode = a.value("ceil_mode", false), o.count_include_pad = a.value("count_include_pad", true);
    return op == "max_pool2d" ? ops::max_pool2d(x[0], o) : ops::avg_pool2d(x[0], o);
  }
  if (op == "adaptive_avg_pool2d") return ops::adaptive_avg_pool2d(x[0], a.at("output")[0], a.at("output")[1]);
  if (op == "relu") return ops::relu(x[0]);
  if (op == "clamp") return ops::clamp(x[0], a.at("lo"), a.at("hi"));
  if (op == "leaky_relu") return ops::leaky_relu(x[0], a.at("slope"));
  if (op == "sigmoid") return ops::sigmoid(x[0]);
  if (op == "tanh") return ops::tanh(x[0]);
  if (op == "silu") return ops::silu(x[0]);
  if (op == "hardswish") return ops::hardswish(x[0]);
  if (op == "hardsigmoid") return ops::hardsigmoid(x[0]);
  if (op == "power") return ops::power(x[0], a.at("exponent"));
  if (op == "dropout_mask") return ops::dropout_with_mask(x[0], x[1], a.at("p"));
  if (op == "add") return ops::add(x[0], x[1]);
  if (op == "sub") return ops::sub(x[0], x[1]);
  if (op == "mul") return ops::mul(x[0], x[1]);
  if (op == "affine_scalar") return ops::affine_scalar(x[0], a.at("scale"), a.at("shift"));
  if (op == "pad2d") {
    const auto& p = a.at("pads");
    return ops::pad2d(x[0], {p[0], p[1], p[2], p[3]}, a.at("value"));
  }
  if (op == "crop2d") {
    const auto& p = a.at("crops");
    return ops::crop2d(x[0], {p[0], p[1], p[2], p[3]});
  }
  if (op == "concat") return ops::concat(x, a.at("dim"));
  if (op == "narrow") return ops::narrow(x[0], a.at("dim"), a.at("start"), a.at("length"));
  if (op == "reshape") return ops::reshape(x[0], a.at("shape").get<Shape>());
  if (op == "flatten") return ops::flatten(x[0], a.at("start_dim"));
  if (op == "upsample_nearest") return ops::upsample_nearest(x[0], a.at("size")[0], a.at("size")[1]);
  if (op == "upsample_bilinear")
    return ops::upsample_bilinear(x[0], a.at("size")[0], a.at("size")[1], a.at("align_corners"));
  if (op == "softmax") return ops::softmax(x[0]);
  if (op == "log_softmax") return ops::log_softmax(x[0]);
  if (op == "sum") return ops::sum(x[0]);
  if (op == "mean") return ops::mean(x[0]);
  if (op == "cross_entropy") return ops::cross_entropy(x[0], x[1]);
  if (op == "bce_with_logits") return ops::bce_with_logits(x[0], x[1]);
  if (op == "l1_loss") return ops::l1_loss(x[0], x[1]);
  if (op == "mse_loss") return ops::mse_loss(x[0], x[1]);
  if (op == "total_variation") return ops::total_variation(x[0]);
  if (op == "distance_correlation") return ops::distance_correlation(x[0], x[1]);
  throw Error("op case '" + c.name + "': unknown op '" + op + "'");
}

std::vector<Tensor> make_inputs(const OpCase& c, Generator& gen) {
  std::vector<Tensor> out;
  for (const InputSpec& s : c.inputs) {
    Tensor t = Tensor::empty(s.shape);
    float* p = t.data();
    const int64_t n = t.numel();
    switch (s.kind) {
      case K::Uniform:
        for (int64_t i = 0; i < n; ++i) {
          float v = s.lo + (s.hi - s.lo) * gen.uniform();
          for (float k : s.kinks)
            if (std::abs(v - k) < kKinkMargin) v = k + (v < k ? -kKinkMargin : kKinkMargin);
          p[i] = v;
        }
        break;
      case K::Spaced: {
        std::vector<float> values(static_cast<size_t>(n));
        for (int64_t i = 0; i < n; ++i) values[i] = s.lo + (s.hi - s.lo) * (static_cast<float>(i) + 0.5f) / n;
        for (int64_t i = n - 1; i > 0; --i) std::swap(values[i], values[gen.below(static_cast<uint64_t>(i + 1))]);
        std::copy(values.begin(), values.end(), p);
        break;
      }
      case K::Labels:
        for (int64_t i = 0; i < n; ++i) p[i] = static_cast<float>(gen.below(static_cast<uint64_t>(s.classes)));
        break;
      case K::Mask:
        for (int64_t i = 0; i < n; ++i) p[i] = gen.uniform() < 0.5f ? 0.0f : 1.0f;
        break;
    }
    if (s.grad) t.set_requires_grad(true);
    out.push_back(t);
  }
  return out;
}

nlohmann::json cases_to_json() {
  json all = json::array();
  for (const OpCase& c : op_cases()) {
    json inputs = json::array();
    for (const InputSpec& s : c.inputs) {
      static const char* kinds[] = {"uniform", "spaced", "labels", "mask"};
      inputs.push_back({{"shape", s.shape}, {"kind", kinds[static_cast<int>(s.kind)]}, {"lo", s.lo}, {"hi", s.hi},
                        {"grad", s.grad}, {"classes", s.classes}, {"kinks", s.kinks}});
    }
    all.push_back({{"name", c.name}, {"op", c.op}, {"attrs", c.attrs}, {"inputs", inputs}});
  }
  return {{"kink_margin", kKinkMargin}, {"cases", all}};
}

}  // namespace splitleak::testing
