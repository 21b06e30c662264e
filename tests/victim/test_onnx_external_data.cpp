// ONNX external data as outside input (victim/onnx_external_data.h): models built here, each
// with one Conv whose 1x1 weight lives in an external file, show what is read (a relative file
// inside the model's folder, at its offset) and what is refused, with the initializer named and
// nothing read from outside the folder, nothing allocated for a range past the file's end, and no
// wait on a FIFO.
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"
#include "victim/execute.h"
#include "victim/onnx_import.h"

namespace splitleak::victim {
namespace {
namespace fs = std::filesystem;

using Records = std::vector<std::pair<std::string, std::string>>;

// A folder of its own per test: model.onnx, w.bin (8 bytes of junk, then the weight 2.0f) and a
// file outside the folder with the same bytes (outside.bin, beside the folder).
class ExternalData : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("splitleak_external_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(folder());
    write_bytes(folder() / "w.bin");
    write_bytes(root_ / "outside.bin");
  }
  void TearDown() override { fs::remove_all(root_); }

  fs::path folder() const { return root_ / "model"; }
  fs::path model() const { return folder() / "model.onnx"; }

  static void write_bytes(const fs::path& p) {
    const float w = 2.0f;
    std::string bytes(8, 'j');
    bytes.append(reinterpret_cast<const char*>(&w), 4);
    std::ofstream(p, std::ios::binary) << bytes;
  }

  // x (1, 1, 2, 2) -> Conv(x, w) -> y, w (1, 1, 1, 1) external with these records.
  void write_model(const Records& records) const {
    onnx::ModelProto m;
    m.set_ir_version(8);
    m.add_opset_import()->set_version(13);
    onnx::GraphProto* g = m.mutable_graph();
    g->set_name("external");
    auto value = [](onnx::ValueInfoProto* v, const char* name) {
      v->set_name(name);
      v->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::FLOAT);
      for (int d : {1, 1, 2, 2}) v->mutable_type()->mutable_tensor_type()->mutable_shape()->add_dim()->set_dim_value(d);
    };
    value(g->add_input(), "x");
    value(g->add_output(), "y");
    onnx::TensorProto* w = g->add_initializer();
    w->set_name("w");
    w->set_data_type(onnx::TensorProto::FLOAT);
    for (int d : {1, 1, 1, 1}) w->add_dims(d);
    w->set_data_location(onnx::TensorProto::EXTERNAL);
    for (const auto& [k, v] : records) {
      auto* e = w->add_external_data();
      e->set_key(k);
      e->set_value(v);
    }
    onnx::NodeProto* conv = g->add_node();
    conv->set_op_type("Conv");
    conv->set_name("conv");
    conv->add_input("x");
    conv->add_input("w");
    conv->add_output("y");
    std::ofstream(model(), std::ios::binary) << m.SerializeAsString();
  }

  float imported_weight(const Records& records) const {
    write_model(records);
    const Graph g = import_onnx(model().string());
    return run(g, Tensor::full({1, 1, 2, 2}, 1.0f)).to_vector()[0];
  }

  // Refused as bad input, naming the model and the initializer, and each fragment.
  void expect_refused(const Records& records, const std::vector<std::string>& fragments) const {
    write_model(records);
    try {
      import_onnx(model().string());
      ADD_FAILURE() << "imported with " << describe(records);
    } catch (const Error& e) {
      const std::string what = e.what();
      EXPECT_EQ(e.kind(), Error::Kind::BadInput) << what;
      EXPECT_NE(what.find(model().string() + ": initializer 'w'"), std::string::npos) << what;
      EXPECT_EQ(what.find('\n'), std::string::npos) << what;
      for (const auto& f : fragments) EXPECT_NE(what.find(f), std::string::npos) << describe(records) << ": " << what;
    }
  }

  static std::string describe(const Records& records) {
    std::string out;
    for (const auto& [k, v] : records) out += k + "=" + v + " ";
    return out;
  }

  fs::path root_;
};

TEST_F(ExternalData, ARelativeFileInsideTheFolderIsReadAtItsOffset) {
  EXPECT_EQ(imported_weight({{"location", "w.bin"}, {"offset", "8"}, {"length", "4"}}), 2.0f);
  EXPECT_EQ(imported_weight({{"location", "w.bin"}, {"offset", "8"}}), 2.0f);  // length: the rest
  EXPECT_EQ(imported_weight({{"location", "w.bin"}, {"offset", "8"}, {"checksum", "ignored"}}), 2.0f);
  fs::create_directories(folder() / "weights");
  write_bytes(folder() / "weights" / "w.bin");
  EXPECT_EQ(imported_weight({{"location", "weights/w.bin"}, {"offset", "8"}}), 2.0f);
  EXPECT_EQ(imported_weight({{"location", "weights/../w.bin"}, {"offset", "8"}}), 2.0f);
  fs::create_symlink("weights/w.bin", folder() / "link.bin");  // a link that stays inside
  EXPECT_EQ(imported_weight({{"location", "link.bin"}, {"offset", "8"}}), 2.0f);
}

TEST_F(ExternalData, LocationsOutsideTheModelsFolderAreRefused) {
  const std::string outside = "outside the model's folder";
  expect_refused({{"location", (folder() / "w.bin").string()}, {"offset", "8"}}, {"absolute path"});
  expect_refused({{"location", "/etc/passwd"}}, {"absolute path"});
  expect_refused({{"location", "../outside.bin"}, {"offset", "8"}}, {outside});
  expect_refused({{"location", "weights/../../outside.bin"}, {"offset", "8"}}, {outside});
  expect_refused({{"location", "./../model/../outside.bin"}, {"offset", "8"}}, {outside});
  fs::create_symlink("../outside.bin", folder() / "escape.bin");
  expect_refused({{"location", "escape.bin"}, {"offset", "8"}}, {outside});
  fs::create_symlink("/etc", folder() / "etc");
  expect_refused({{"location", "etc/passwd"}}, {outside});
  expect_refused({{"location", "."}}, {outside});
  expect_refused({{"location", ""}}, {"without a location"});
  expect_refused({{"offset", "8"}}, {"without a location"});
  expect_refused({{"location", "missing.bin"}}, {"missing.bin", "cannot be opened", "No such file"});
  expect_refused({{"location", std::string("w.bin\0../x", 10)}}, {"NUL"});
}

TEST_F(ExternalData, WhatIsNotARegularFileIsRefusedWithoutWaiting) {
  ASSERT_EQ(::mkfifo((folder() / "fifo.bin").c_str(), 0600), 0) << std::strerror(errno);
  const auto start = std::chrono::steady_clock::now();
  expect_refused({{"location", "fifo.bin"}}, {"is a FIFO, not a regular file"});
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  fs::create_directories(folder() / "weights");
  expect_refused({{"location", "weights"}}, {"is a directory, not a regular file"});
}

TEST_F(ExternalData, OffsetsAndLengthsAreUnsignedDecimalsGivenOnce) {
  for (const std::string bad : {"abc", "-1", "+8", " 8", "8 ", "0x8", "1e3", "8.0", "", "18446744073709551616",
                                "99999999999999999999999999"}) {
    expect_refused({{"location", "w.bin"}, {"offset", bad}}, {"offset '" + bad.substr(0, 77)});
    expect_refused({{"location", "w.bin"}, {"offset", "8"}, {"length", bad}}, {"length '" + bad.substr(0, 77)});
  }
  expect_refused({{"location", "w.bin"}, {"offset", std::string(100000, '9')}}, {"offset '999", "..."});
  expect_refused({{"location", "w.bin"}, {"location", "../outside.bin"}}, {"'location' is given twice"});
  expect_refused({{"location", "w.bin"}, {"offset", "8"}, {"offset", "0"}}, {"'offset' is given twice"});
  expect_refused({{"location", "w.bin"}, {"length", "4"}, {"length", "4"}}, {"'length' is given twice"});
}

TEST_F(ExternalData, RangesPastTheFileOrNotTheShapesSizeAreRefusedBeforeAllocating) {
  const std::string past = "past the end of 'w.bin' (12 bytes)";
  expect_refused({{"location", "w.bin"}, {"offset", "13"}}, {past});
  expect_refused({{"location", "w.bin"}, {"offset", "8"}, {"length", "5"}}, {past});
  expect_refused({{"location", "w.bin"}, {"offset", "9223372036854775808"}, {"length", "9223372036854775808"}},
                 {past});  // the sum wraps to 0 in 64 bits
  expect_refused({{"location", "w.bin"}, {"offset", "4"}, {"length", "18446744073709551615"}}, {past});
  expect_refused({{"location", "w.bin"}, {"offset", "0"}, {"length", "12"}}, {"holds 12 bytes", "need 4"});
  expect_refused({{"location", "w.bin"}, {"offset", "12"}}, {"holds 0 bytes", "need 4"});
}

}  // namespace
}  // namespace splitleak::victim
