#include <gtest/gtest.h>

#include <cstdint>

#include "core/error.h"
#include "core/random.h"
#include "core/tensor.h"

namespace splitleak {
namespace {

TEST(Tensor, StorageIsAlignedAndShared) {
  Tensor t = Tensor::zeros({2, 3, 4, 5});
  EXPECT_EQ(reinterpret_cast<uintptr_t>(t.data()) % 64, 0u);
  EXPECT_EQ(t.numel(), 120);
  Tensor copy = t;
  copy.data()[7] = 3.0f;
  EXPECT_EQ(t.data()[7], 3.0f);
  Tensor deep = t.clone();
  deep.data()[7] = 1.0f;
  EXPECT_EQ(t.data()[7], 3.0f);
}

TEST(Tensor, BatchSliceIsAView) {
  Tensor t = Tensor::from_vector({3, 2}, {0, 1, 2, 3, 4, 5});
  Tensor s = t.slice(1, 3);
  EXPECT_EQ(s.shape(), (Shape{2, 2}));
  EXPECT_EQ(s.data()[0], 2.0f);
  s.data()[3] = 9.0f;
  EXPECT_EQ(t.data()[5], 9.0f);
  EXPECT_TRUE(s.same_storage(t));
  EXPECT_THROW(t.slice(2, 4), Error);
}

TEST(Tensor, ShapeErrorsAreClear) {
  EXPECT_THROW(Tensor::from_vector({2, 2}, {1, 2, 3}), Error);
  EXPECT_THROW(Tensor::zeros({2}).view({3}), Error);
  try {
    Tensor::empty({2, -1});
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("[2, -1]"), std::string::npos);
  }
  // A count past int64 is an Error, not an overflow (found by fuzz_onnx).
  try {
    Tensor::empty({int64_t{1} << 40, int64_t{1} << 40, 7});
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("more elements than can be counted"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(shape_holds({2, 3}, 6));
  EXPECT_FALSE(shape_holds({2, 3}, 7));
  EXPECT_FALSE(shape_holds({2, -3}, -6));
  EXPECT_FALSE(shape_holds({int64_t{1} << 62, 4}, 0));
}

TEST(Random, SameSeedSameTensor) {
  Generator a(42), b(42), c(43);
  Tensor x = Tensor::empty({100}), y = Tensor::empty({100}), z = Tensor::empty({100});
  init::normal_(x, 0, 1, a), init::normal_(y, 0, 1, b), init::normal_(z, 0, 1, c);
  EXPECT_EQ(x.to_vector(), y.to_vector());
  EXPECT_NE(x.to_vector(), z.to_vector());
}

TEST(Random, InitialisersHaveTorchsScale) {
  Generator gen(1);
  Tensor w = Tensor::empty({64, 32, 3, 3});  // fan_in 288, fan_out 576
  auto stats = [](const Tensor& t) {
    double s = 0, s2 = 0, mx = 0;
    for (float v : t.to_vector()) s += v, s2 += double(v) * v, mx = std::max(mx, double(std::abs(v)));
    const double n = static_cast<double>(t.numel());
    return std::tuple{s / n, std::sqrt(s2 / n - (s / n) * (s / n)), mx};
  };
  init::kaiming_normal_(w, gen, 0.0f, init::FanMode::FanOut);
  auto [m1, sd1, mx1] = stats(w);
  EXPECT_NEAR(m1, 0.0, 0.005);
  EXPECT_NEAR(sd1, std::sqrt(2.0 / 576), 0.002);
  init::xavier_uniform_(w, gen);
  auto [m2, sd2, mx2] = stats(w);
  const double bound = std::sqrt(6.0 / (288 + 576));
  EXPECT_LE(mx2, bound);
  EXPECT_NEAR(sd2, bound / std::sqrt(3.0), 0.002);
  init::kaiming_uniform_(w, gen, std::sqrt(5.0f));  // torch's conv default: bound 1/sqrt(fan_in)
  auto [m3, sd3, mx3] = stats(w);
  EXPECT_LE(mx3, 1.0 / std::sqrt(288.0) + 1e-7);
  EXPECT_GT(mx3, 0.95 / std::sqrt(288.0));
  (void)m2, (void)m3, (void)mx1, (void)sd3;
}

}  // namespace
}  // namespace splitleak
