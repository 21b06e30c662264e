// CSV reading and TON_IoT records as images, on the SYNTHETIC sample of
// scripts/make_ton_iot_sample.py (ctest's ton_iot_sample fixture) and on small files written here.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "core/error.h"
#include "datasets/csv.h"
#include "tests/support/temp_dir.h"
#include "datasets/ton_iot.h"

namespace splitleak::datasets {
namespace {

namespace fs = std::filesystem;

std::string write_file(const std::string& name, const std::string& text) {
  const fs::path path = testing::fresh_dir("csv/" + name) / name;
  std::ofstream(path) << text;
  return path.string();
}

TEST(Csv, QuotesCommasAndLines) {
  const std::string path = write_file("q.csv", "a,b,c\n1,\"x, y\",3\r\n\n4,\"say \"\"hi\"\"\",\"two\nlines\"\n7,8,9");
  const CsvTable t = read_csv(path);
  ASSERT_EQ(t.header, (std::vector<std::string>{"a", "b", "c"}));
  ASSERT_EQ(t.rows.size(), 3u);
  EXPECT_EQ(t.rows[0][1], "x, y");
  EXPECT_EQ(t.rows[1][1], "say \"hi\"");
  EXPECT_EQ(t.rows[1][2], "two\nlines");
  EXPECT_EQ(t.rows[2][2], "9");
  EXPECT_EQ(t.lines, (std::vector<int64_t>{2, 4, 6}));
  EXPECT_EQ(t.column("c"), 2);
  EXPECT_EQ(t.column("z"), -1);
}

TEST(Csv, RaggedRowsAndBadFilesNameTheLine) {
  try {
    read_csv(write_file("ragged.csv", "a,b\n1,2\n3\n"));
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("ragged.csv:3: 1 fields, the header has 2"), std::string::npos) << e.what();
    EXPECT_EQ(e.kind(), Error::Kind::BadInput);  // the CLI's exit code 2
  }
  EXPECT_THROW(read_csv(write_file("open.csv", "a,b\n1,\"2\n")), Error);
  EXPECT_THROW(read_csv(write_file("empty.csv", "")), Error);
  EXPECT_THROW(read_csv("/nonexistent/file.csv"), Error);
}

TonIotOptions sample(const std::string& target = "label") {
  TonIotOptions o;
  o.path = SPLITLEAK_TON_IOT_SAMPLE;
  o.target = target;
  return o;
}

TEST(TonIot, SampleBecomesSquareImages) {
  const TonIotData d = load_ton_iot(sample());
  EXPECT_EQ(d.train.size() + d.test.size(), 2000);
  EXPECT_EQ(d.train.size(), 1600);
  const int64_t side = d.codec.side();
  EXPECT_GE(side * side, d.codec.features());
  EXPECT_LT((side - 1) * (side - 1), d.codec.features());
  EXPECT_EQ(d.train.images.shape(), (Shape{1600, 1, side, side}));
  for (float v : d.train.images.to_vector()) ASSERT_TRUE(v >= 0.0f && v <= 1.0f);
  EXPECT_EQ(d.train.class_names, (std::vector<std::string>{"normal", "attack"}));
  const auto counts = d.train.class_counts();
  EXPECT_EQ(counts[0] + counts[1], 1600);
  EXPECT_GT(counts[0], 600);
  EXPECT_GT(counts[1], 600);
  // Identifiers are dropped, ports and bytes are numeric, protocol and service categorical.
  for (const TabularColumn& c : d.codec.columns()) {
    EXPECT_NE(c.name, "src_ip");
    EXPECT_NE(c.name, "ts");
    if (c.name == "src_bytes" || c.name == "dst_port") {
      EXPECT_TRUE(c.numeric) << c.name;
    }
    if (c.name == "proto" || c.name == "service" || c.name == "http_user_agent") {
      EXPECT_FALSE(c.numeric) << c.name;
    }
  }
}

TEST(TonIot, MultiClassTargetAndSeededSplit) {
  const TonIotData a = load_ton_iot(sample("type")), b = load_ton_iot(sample("type"));
  EXPECT_EQ(a.train.class_names.size(), 10u);
  EXPECT_EQ(a.train.class_names.front(), "backdoor");
  EXPECT_EQ(a.train_rows, b.train_rows);
  TonIotOptions other = sample("type");
  other.seed = 1;
  EXPECT_NE(load_ton_iot(other).train_rows, a.train_rows);
}

TEST(TonIot, ImagesDecodeBackToTheRecords) {
  TonIotOptions o = sample();
  o.top_k = 64;  // every level of the sample fits, so categorical cells decode exactly
  const TonIotData d = load_ton_iot(o);
  const TabularScores train = d.codec.score(d.table, d.train_rows, d.train.images);
  EXPECT_EQ(train.categorical_accuracy, 1.0);
  EXPECT_LT(train.numeric_mae_scaled, 1e-6);
  EXPECT_LT(train.numeric_mae.at("src_bytes"), 0.05);
  // Test rows can fall outside the training range (clipped), but most decode closely.
  const TabularScores test = d.codec.score(d.table, d.test_rows, d.test.images);
  EXPECT_EQ(test.categorical_accuracy, 1.0);
  EXPECT_LT(test.numeric_mae_scaled, 0.01);
}

TEST(TonIot, PaddedToAModelsSideTheRecordsStayTheSame) {
  const TonIotData natural = load_ton_iot(sample());
  TonIotOptions o = sample();
  o.side = 32;
  const TonIotData padded = load_ton_iot(o);
  ASSERT_EQ(padded.train.images.shape(), (Shape{1600, 1, 32, 32}));
  EXPECT_EQ(padded.codec.decode(padded.test.images), natural.codec.decode(natural.test.images));
  // Only the first features() pixels carry data; the padding is zero.
  const std::vector<float> v = padded.train.images.to_vector();
  for (size_t i = 0; i < v.size(); ++i)
    if (static_cast<int64_t>(i % 1024) >= padded.codec.features()) {
      ASSERT_EQ(v[i], 0.0f) << i;
    }
  o.side = natural.codec.side() - 1;
  try {
    load_ton_iot(o);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("need images of side " + std::to_string(natural.codec.side())), std::string::npos)
        << e.what();
  }
}

TEST(TonIot, DamagedImagesScoreWorse) {
  const TonIotData d = load_ton_iot(sample());
  Tensor blank = Tensor::zeros(d.test.images.shape());
  const TabularScores s = d.codec.score(d.table, d.test_rows, blank);
  EXPECT_LT(s.categorical_accuracy, 0.8);
  EXPECT_GT(s.numeric_mae_scaled, 0.01);
  EXPECT_THROW(d.codec.decode(Tensor::zeros({1, 1, 3, 3})), Error);
}

// Bytes, packets and durations are scaled as log1p(x) by default; an empty list scales linearly.
TEST(TonIot, HeavyTailedColumnsAreLogScaled) {
  const TonIotData logged = load_ton_iot(sample());
  TonIotOptions o = sample();
  o.log_columns = {};
  const TonIotData linear = load_ton_iot(o);
  const auto column = [](const TonIotData& d, const std::string& name) {
    for (const TabularColumn& c : d.codec.columns())
      if (c.name == name) return c;
    throw Error("no column " + name);
  };
  const TabularColumn bytes = column(logged, "src_bytes"), port = column(logged, "dst_port");
  EXPECT_TRUE(bytes.log_scale);
  EXPECT_FALSE(port.log_scale);
  EXPECT_FALSE(column(linear, "src_bytes").log_scale);
  // The first training record's src_bytes pixel, by the formula.
  const std::string& text = logged.table.rows[static_cast<size_t>(logged.train_rows[0])][static_cast<size_t>(bytes.csv_index)];
  const double x = text == kMissing ? 0.0 : std::stod(text);
  const double want = text == kMissing ? 0.0 : (std::log1p(x) - bytes.min) / (bytes.max - bytes.min);
  EXPECT_NEAR(logged.train.images.data()[bytes.first_pixel], want, 1e-6) << text;
  // Decoding inverts it: the records come back within float rounding of the log scale.
  const TabularScores s = logged.codec.score(logged.table, logged.train_rows, logged.train.images);
  EXPECT_LT(s.numeric_mae_scaled, 1e-6);
  EXPECT_LT(s.numeric_mae.at("src_bytes"), 1e-3 * std::max(1.0, std::expm1(bytes.max)));
  // A listed column that is not a numeric feature column is named.
  o.log_columns = {"src_bytes", "bytes_total"};
  try {
    load_ton_iot(o);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("log-scaled column 'bytes_total'"), std::string::npos) << e.what();
  }
  o.log_columns = {"proto"};
  try {
    load_ton_iot(o);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("column proto is to be log-scaled but is not numeric"), std::string::npos)
        << e.what();
  }
}

// Per-record errors: one entry per record, and their means are score()'s figures.
TEST(TonIot, RecordErrorsArePerRecord) {
  const TonIotData d = load_ton_iot(sample());
  const Tensor blank = Tensor::zeros(d.test.images.shape());
  const RecordErrors e = d.codec.record_errors(d.table, d.test_rows, blank);
  ASSERT_EQ(e.numeric_mae_scaled.size(), d.test_rows.size());
  ASSERT_EQ(e.categorical_accuracy.size(), d.test_rows.size());
  double mae = 0, accuracy = 0;
  for (size_t i = 0; i < d.test_rows.size(); ++i) mae += e.numeric_mae_scaled[i], accuracy += e.categorical_accuracy[i];
  const TabularScores s = d.codec.score(d.table, d.test_rows, blank);
  EXPECT_NEAR(mae / static_cast<double>(d.test_rows.size()), s.numeric_mae_scaled, 1e-12);
  EXPECT_NEAR(accuracy / static_cast<double>(d.test_rows.size()), s.categorical_accuracy, 1e-12);
  EXPECT_EQ(e.column_mae, s.numeric_mae);
  // The originals score perfectly on their categorical fields (every level of the sample kept).
  TonIotOptions o = sample();
  o.top_k = 64;
  const TonIotData all = load_ton_iot(o);
  const RecordErrors own = all.codec.record_errors(all.table, all.test_rows, all.test.images);
  for (double a : own.categorical_accuracy) ASSERT_EQ(a, 1.0);
}

TEST(TonIot, MissingColumnsAndBadLabelsAreNamed) {
  std::ifstream in(SPLITLEAK_TON_IOT_SAMPLE);
  std::string header, first;
  std::getline(in, header), std::getline(in, first);
  // The "proto" column renamed: the rows stay well-formed, so the schema check is what fails.
  std::string renamed = header;
  renamed.replace(renamed.find(",proto,"), 7, ",protocol,");
  try {
    load_ton_iot({write_file("noproto.csv", renamed + "\n" + first + "\n")});
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("missing column 'proto'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("noproto.csv"), std::string::npos) << e.what();
    EXPECT_EQ(e.kind(), Error::Kind::BadInput);
  }
  std::string bad = first;
  bad.replace(bad.rfind(",", bad.rfind(",") - 1), std::string::npos, ",7,normal");
  try {
    load_ton_iot({write_file("badlabel.csv", header + "\n" + first + "\n" + bad + "\n")});
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("badlabel.csv:3: label '7'"), std::string::npos) << e.what();
  }
  TonIotOptions o = sample();
  o.target = "attack";
  EXPECT_THROW(load_ton_iot(o), Error);
}

}  // namespace
}  // namespace splitleak::datasets
