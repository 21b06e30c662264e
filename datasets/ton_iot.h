#pragma once
// TON_IoT network records (the Train_Test_Network.csv schema) as one-channel images, and back.
//
// Columns: ts, src_ip, dst_ip are identifiers, dropped unless keep_identifiers (then they are
// categorical); src_port, dst_port, proto, service, duration, src_bytes, dst_bytes, conn_state,
// missed_bytes, src_pkts, src_ip_bytes, dst_pkts, dst_ip_bytes, label and type are required;
// every dns_*, ssl_*, http_* and weird_* column present is used. A column is numeric when all its
// non-missing training values parse as numbers, else categorical; "-" is missing. Numeric columns
// are min-max scaled on the training split (missing -> 0), heavy-tailed ones (bytes, packets,
// durations: log_columns) after log1p; categorical ones are one-hot over their
// top_k training levels plus an "other" slot (missing -> all zeros). The feature vector is laid
// row-major into the smallest square image (or a larger side asked for, so that the records fit a
// model's input), zero padded; the column-to-pixel map is kept so an image decodes back into
// feature values.
#include <map>
#include <string>
#include <vector>

#include "datasets/csv.h"
#include "datasets/image_set.h"

namespace splitleak::datasets {

struct TonIotOptions {
  std::string path;
  std::string target = "label";  // "label" (normal/attack) or "type" (multi-class)
  int64_t top_k = 8;
  bool keep_identifiers = false;
  double train_fraction = 0.8;
  uint64_t seed = 0;
  int64_t side = 0;  // the image side; 0: the smallest square that holds the features
  // Numeric columns scaled as log1p(x) (heavy-tailed counts); each must be a numeric column of
  // the file with values > -1.
  std::vector<std::string> log_columns = default_log_columns();
  static std::vector<std::string> default_log_columns();
};

// One used column: where it sits in the image and how it is encoded.
struct TabularColumn {
  std::string name;
  int64_t csv_index = 0;
  bool numeric = false;
  bool log_scale = false;                // numeric: scaled as log1p(x)
  double min = 0, max = 0;               // numeric: the training range (of log1p(x) when log_scale)
  std::vector<std::string> levels;       // categorical: the top-k levels, then the "other" slot
  int64_t first_pixel = 0, pixels = 1;   // numeric: 1 pixel; categorical: levels.size() pixels
};

inline constexpr const char* kOtherLevel = "<other>";
inline constexpr const char* kMissing = "-";

struct TabularScores {
  std::map<std::string, double> numeric_mae;  // per numeric column, in the column's own units
  double numeric_mae_scaled = 0;             // mean over numeric columns, in [0, 1] units
  double categorical_accuracy = 0;           // decoded level == original level, over all cells
};

// Per record (one entry per row scored): the mean absolute error of its numeric fields in the
// [0, 1] units of the encoding (after log1p where applied), and the share of its categorical
// fields decoded to the original level ("<other>" for levels outside the top k; missing when
// the block is all below 0.5). Per numeric column: the mean absolute error over records, in the
// column's own units. A table without numeric (categorical) columns scores 0 (1) there.
struct RecordErrors {
  std::vector<double> numeric_mae_scaled, categorical_accuracy;
  std::map<std::string, double> column_mae;
};

class TabularCodec {
 public:
  TabularCodec() = default;
  // Fits scaling and levels on `rows` (a CSV table's rows) for `columns` (CSV indices). `side`:
  // the image side, 0 for the smallest square that holds the features; a side too small for
  // them throws Error naming both.
  // `log_columns`: names of numeric columns to scale as log1p(x) (Error naming one that is not a
  // numeric column among `columns`, or that holds a value <= -1).
  TabularCodec(const CsvTable& table, const std::vector<int64_t>& rows, const std::vector<int64_t>& columns,
               int64_t top_k, int64_t side = 0, const std::vector<std::string>& log_columns = {});
  const std::vector<TabularColumn>& columns() const { return columns_; }
  int64_t features() const { return features_; }
  int64_t side() const { return side_; }
  // (rows.size(), 1, side, side) images of the given rows.
  Tensor encode(const CsvTable& table, const std::vector<int64_t>& rows) const;
  // The value of every column for each image (numeric as text, categorical as its level, "-"
  // when the block is all below 0.5).
  std::vector<std::vector<std::string>> decode(const Tensor& images) const;
  // How well `images` (e.g. reconstructions) recover the original rows, per record.
  RecordErrors record_errors(const CsvTable& table, const std::vector<int64_t>& rows, const Tensor& images) const;
  // The same over all records.
  TabularScores score(const CsvTable& table, const std::vector<int64_t>& rows, const Tensor& images) const;

 private:
  std::vector<TabularColumn> columns_;
  int64_t features_ = 0, side_ = 0;
};

struct TonIotData {
  CsvTable table;
  std::vector<int64_t> train_rows, test_rows;  // indices into table.rows
  TabularCodec codec;
  ImageSet train, test;
};

TonIotData load_ton_iot(const TonIotOptions& options);

}  // namespace splitleak::datasets
