// The partition's canonical bytes and its measurement.
#include <gtest/gtest.h>

#include "core/autograd.h"
#include "core/error.h"
#include "tee_runtime/measurement.h"
#include "victim/execute.h"
#include "victim/model_file.h"
#include "victim/partition.h"
#include "victim/zoo/zoo.h"

namespace splitleak::tee {
namespace {

TEST(Measurement, BytesRoundTripAndMeasurementFollowsGraphAndWeights) {
  const victim::Graph g = victim::zoo::build("lenet5");
  const std::string bytes = victim::model_to_bytes(g);
  EXPECT_EQ(victim::model_to_bytes(g), bytes);  // canonical
  victim::Graph back = victim::model_from_bytes(bytes, "test");
  EXPECT_EQ(victim::model_to_bytes(back), bytes);
  autograd::NoGradGuard no_grad;
  const Tensor x = Tensor::full({2, 1, 28, 28}, 0.25f);
  EXPECT_EQ(victim::run(back, x).to_vector(), victim::run(g, x).to_vector());

  const Measurement m = measure(g);
  EXPECT_EQ(measure(back), m);
  EXPECT_EQ(measurement_from_hex(measurement_hex(m), "test"), m);
  back.metadata["source"] = "elsewhere";  // metadata is not measured
  EXPECT_EQ(measure(back), m);
  back.tensors.begin()->second.data()[0] += 1e-6f;  // one weight, one ulp-ish change
  EXPECT_NE(measure(back), m);
  EXPECT_NE(measure(victim::partition(g, "pool1").front), m);
  EXPECT_THROW(measurement_from_hex("abc", "test"), Error);
}

TEST(Measurement, TruncatedOrDamagedBytesAreRefused) {
  const std::string bytes = victim::model_to_bytes(victim::partition(victim::zoo::build("lenet5"), "pool1").front);
  for (size_t n : {size_t{0}, size_t{5}, size_t{12}, size_t{40}, bytes.size() / 2, bytes.size() - 1}) {
    try {
      victim::model_from_bytes(bytes.substr(0, n), "the sent partition");
      FAIL() << n;
    } catch (const Error& e) {
      EXPECT_EQ(std::string(e.what()).rfind("the sent partition", 0), 0u) << e.what();
    }
  }
  EXPECT_THROW(victim::model_from_bytes(bytes + "x", "trailing"), Error);
  std::string bad_json = bytes;
  bad_json[16] = '#';  // the JSON's opening brace
  EXPECT_THROW(victim::model_from_bytes(bad_json, "json"), Error);
}

}  // namespace
}  // namespace splitleak::tee
