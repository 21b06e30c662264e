// ProgressLog: a line at most every interval and always at the end, with count, rate and ETA.
#include <gtest/gtest.h>

#include <spdlog/sinks/ostream_sink.h>

#include <sstream>

#include "experiments/progress_log.h"

namespace splitleak::experiments {
namespace {

TEST(ProgressLog, ThrottledLinesAndAlwaysTheLast) {
  std::ostringstream out;
  auto log = std::make_shared<spdlog::logger>("progress_test", std::make_shared<spdlog::sinks::ostream_sink_mt>(out));
  log->set_pattern("%v");
  ProgressLog progress(log, "[conv1] auxiliary features", "images", 3600);
  progress(128, 300);  // within the interval: silent
  progress(256, 300);
  EXPECT_EQ(out.str(), "");
  progress(300, 300);
  const std::string line = out.str();
  EXPECT_EQ(line.rfind("[conv1] auxiliary features: 300/300 images, ", 0), 0u) << line;
  EXPECT_NE(line.find(" images/s, ETA "), std::string::npos) << line;
  ProgressLog every_call(log, "x", "rows", 0);
  every_call(1, 4), every_call(2, 4);
  EXPECT_NE(out.str().find("x: 1/4 rows"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("x: 2/4 rows"), std::string::npos) << out.str();
}

}  // namespace
}  // namespace splitleak::experiments
