// core/finite.h: NaN and infinity counted, warned about, or refused under --strict-inputs.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "core/error.h"
#include "core/finite.h"

namespace splitleak {
namespace {

struct PolicyGuard {
  NonFinitePolicy saved = non_finite_policy();
  ~PolicyGuard() { non_finite_policy() = saved; }
};

TEST(Finite, CountsNanAndInfinityAndTheFirstIndex) {
  Tensor t = Tensor::zeros({2, 3});
  EXPECT_EQ(count_non_finite(t).count, 0);
  EXPECT_EQ(count_non_finite(t).first, -1);
  t.data()[4] = std::numeric_limits<float>::quiet_NaN();
  t.data()[5] = -std::numeric_limits<float>::infinity();
  const NonFiniteCount c = count_non_finite(t);
  EXPECT_EQ(c.count, 2);
  EXPECT_EQ(c.first, 4);
  EXPECT_EQ(count_non_finite(t.slice(0, 1)).count, 0);  // a view counts its own rows
  t.data()[0] = std::numeric_limits<float>::max();      // large is finite
  EXPECT_EQ(count_non_finite(t).count, 2);
}

TEST(Finite, WarnsByDefaultAndRefusesWhenStrict) {
  PolicyGuard guard;
  Tensor t = Tensor::ones({4});
  non_finite_policy() = NonFinitePolicy::Warn;
  EXPECT_TRUE(check_finite(t, "in.h5: /x"));
  t.data()[2] = std::numeric_limits<float>::infinity();
  ::testing::internal::CaptureStderr();
  EXPECT_FALSE(check_finite(t, "in.h5: /x"));
  const std::string warning = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(warning, "splitleak: warning: in.h5: /x: 1 of 4 values are NaN or infinite (the first at index 2)\n");
  non_finite_policy() = NonFinitePolicy::Refuse;
  try {
    check_finite(t, "in.h5: /x");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), Error::Kind::BadInput);
    EXPECT_NE(std::string(e.what()).find("in.h5: /x: 1 of 4 values are NaN or infinite"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("--strict-inputs"), std::string::npos) << e.what();
  }
}

TEST(Finite, RowsCheckedInBatchesReportAsOneTensor) {
  PolicyGuard guard;
  non_finite_policy() = NonFinitePolicy::Warn;
  Tensor t = Tensor::ones({5, 2, 3});
  EXPECT_TRUE(check_finite_rows(*in_memory(t), "in.h5: /x", 2));
  t.data()[14] = std::numeric_limits<float>::quiet_NaN();  // row 2, in the second batch of 2
  t.data()[29] = std::numeric_limits<float>::infinity();   // row 4, in the third
  ::testing::internal::CaptureStderr();
  EXPECT_FALSE(check_finite_rows(*subset(in_memory(t), {0, 1, 2, 3, 4}), "in.h5: /x", 2));
  EXPECT_EQ(::testing::internal::GetCapturedStderr(),
            "splitleak: warning: in.h5: /x: 2 of 30 values are NaN or infinite (the first at index 14)\n");
  non_finite_policy() = NonFinitePolicy::Refuse;
  EXPECT_THROW(check_finite_rows(*in_memory(t), "in.h5: /x", 4), Error);
}

}  // namespace
}  // namespace splitleak
