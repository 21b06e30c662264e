// The per-op profile (core/profile.h): an op's forward is the time up to its record call, its
// backward the time autograd spends on its node, a span its own; ops inside a backward function
// are its, not forwards; nothing is counted unless started.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "core/autograd.h"
#include "core/ops.h"
#include "core/profile.h"

namespace splitleak {
namespace {

using std::chrono::milliseconds;

// An op that takes `forward` to compute and `backward` to differentiate (identity).
Tensor slow_op(const Tensor& x, const char* name, milliseconds forward, milliseconds backward) {
  if (forward.count() > 0) std::this_thread::sleep_for(forward);
  return autograd::record(x.detach().clone(), {x}, name, [backward](const Tensor& go, std::span<Tensor> gi) {
    if (backward.count() > 0) std::this_thread::sleep_for(backward);
    ops::add_into(gi[0], ops::mul_scalar(go, 1.0f));  // an op inside a backward function
  });
}

const profile::OpTime& find(const std::vector<profile::OpTime>& times, const std::string& name) {
  for (const profile::OpTime& t : times)
    if (t.name == name) return t;
  throw std::runtime_error("no " + name + " in the profile");
}

TEST(Profile, AttributesForwardBackwardAndSpans) {
  Tensor x = Tensor::ones({4});
  x.set_requires_grad(true);
  profile::start();
  const Tensor y = slow_op(x, "slow", milliseconds(60), milliseconds(60));
  {
    const profile::Span span("update");
    std::this_thread::sleep_for(milliseconds(60));
  }
  const Tensor z = slow_op(y, "quick", milliseconds(0), milliseconds(0));
  autograd::backward(ops::sum(z));
  const std::vector<profile::OpTime> times = profile::stop();

  const profile::OpTime& slow = find(times, "slow");
  EXPECT_GE(slow.forward_ms, 60.0);
  EXPECT_GE(slow.backward_ms, 60.0);
  EXPECT_EQ(slow.forward_calls, 1);
  EXPECT_EQ(slow.backward_calls, 1);
  EXPECT_GE(find(times, "update").forward_ms, 60.0);
  // The span's time is not the next op's, nor slow's backward quick's (a busy machine may still
  // hold a thread for a few scheduler ticks).
  EXPECT_LT(find(times, "quick").forward_ms, 40.0);
  EXPECT_LT(find(times, "quick").backward_ms, 40.0);
  EXPECT_EQ(find(times, "sum").forward_calls, 1);
  // mul_scalar ran inside slow's backward only: it is not a forward.
  for (const profile::OpTime& t : times) EXPECT_NE(t.name, "affine_scalar");
  EXPECT_EQ(times.front().name, "slow");  // largest first
}

TEST(Profile, NamesConvolutionsByShapeWithTheirGemmFlops) {
  Tensor x = Tensor::ones({2, 3, 8, 8});
  Tensor w = Tensor::ones({4, 3, 4, 4});
  w.set_requires_grad(true);
  ops::Conv2dOptions o;
  o.stride = {2, 2}, o.padding = {1, 1};
  profile::start();
  autograd::backward(ops::sum(ops::conv2d(x, w, Tensor(), o)));
  const std::vector<profile::OpTime> times = profile::stop();
  const profile::OpTime& conv = find(times, "conv2d [n2 3x8x8->4x4x4 k4x4 s2]");
  EXPECT_EQ(conv.forward_flops, 2 * 2 * 4 * 16 * 48);  // 2 FLOPs x images x out channels x pixels x K
  EXPECT_EQ(conv.backward_flops, conv.forward_flops);  // the weight gradient only: x needs none
  // Not profiling: the plain name.
  EXPECT_STREQ(profile::label("conv2d", [] { return std::string("shape"); }), "conv2d");
}

TEST(Profile, CountsNothingUnlessStarted) {
  Tensor x = Tensor::ones({4});
  x.set_requires_grad(true);
  autograd::backward(ops::sum(slow_op(x, "slow", milliseconds(1), milliseconds(1))));
  EXPECT_TRUE(profile::stop().empty());
}

}  // namespace
}  // namespace splitleak
