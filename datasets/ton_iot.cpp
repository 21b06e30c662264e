#include "datasets/ton_iot.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <unordered_map>

#include "core/error.h"
#include "datasets/split.h"

namespace splitleak::datasets {
namespace {

const std::vector<std::string> kIdentifiers = {"ts", "src_ip", "dst_ip"};
const std::vector<std::string> kRequired = {"src_port",  "dst_port",     "proto",    "service",      "duration",
                                            "src_bytes", "dst_bytes",    "conn_state", "missed_bytes", "src_pkts",
                                            "src_ip_bytes", "dst_pkts",  "dst_ip_bytes", "label",      "type"};
const std::vector<std::string> kPrefixes = {"dns_", "ssl_", "http_", "weird_"};

bool parse_number(const std::string& s, double& out) {
  if (s.empty()) return false;
  const char* end = s.data() + s.size();
  auto [ptr, ec] = std::from_chars(s.data(), end, out);
  return ec == std::errc() && ptr == end && std::isfinite(out);
}

// A numeric column's value on the scale its range is kept in, and back.
double to_scale(const TabularColumn& col, double x) { return col.log_scale ? std::log1p(x) : x; }
double from_scale(const TabularColumn& col, double v) { return col.log_scale ? std::expm1(v) : v; }

// In [0, 1]: the scaled value min-max normalised over the training range (0 for a flat column).
double to_unit(const TabularColumn& col, double x) {
  return col.max > col.min ? std::clamp((to_scale(col, x) - col.min) / (col.max - col.min), 0.0, 1.0) : 0.0;
}

// The value a pixel of a numeric column decodes to, on the column's scale.
double pixel_to_scale(const TabularColumn& col, float pixel) {
  return col.min + std::clamp<double>(pixel, 0.0, 1.0) * (col.max - col.min);
}

}  // namespace

TabularCodec::TabularCodec(const CsvTable& table, const std::vector<int64_t>& rows, const std::vector<int64_t>& cols,
                           int64_t top_k, int64_t side, const std::vector<std::string>& log_columns) {
  check(top_k >= 1, "TON_IoT: top_k must be at least 1");
  int64_t pixel = 0;
  for (int64_t c : cols) {
    TabularColumn col;
    col.name = table.header[static_cast<size_t>(c)];
    col.csv_index = c;
    col.numeric = true;
    col.log_scale = std::find(log_columns.begin(), log_columns.end(), col.name) != log_columns.end();
    bool any = false;
    double lo = 0, hi = 0;
    for (int64_t r : rows) {
      const std::string& v = table.rows[static_cast<size_t>(r)][static_cast<size_t>(c)];
      if (v == kMissing || v.empty()) continue;
      double x;
      if (!parse_number(v, x)) {
        col.numeric = false;
        break;
      }
      check(!col.log_scale || x > -1.0, "TON_IoT: line " + std::to_string(table.lines[static_cast<size_t>(r)]) +
                                           ": column " + col.name + " holds " + v + ", outside log1p's domain");
      x = to_scale(col, x);
      lo = any ? std::min(lo, x) : x, hi = any ? std::max(hi, x) : x, any = true;
    }
    check(col.numeric || !col.log_scale, "TON_IoT: column " + col.name + " is to be log-scaled but is not numeric");
    if (col.numeric) {
      col.min = lo, col.max = hi, col.pixels = 1;
    } else {
      std::unordered_map<std::string, int64_t> counts;
      for (int64_t r : rows) {
        const std::string& v = table.rows[static_cast<size_t>(r)][static_cast<size_t>(c)];
        if (v != kMissing && !v.empty()) ++counts[v];
      }
      std::vector<std::pair<std::string, int64_t>> by_count(counts.begin(), counts.end());
      std::sort(by_count.begin(), by_count.end(),
                [](const auto& a, const auto& b) { return a.second != b.second ? a.second > b.second : a.first < b.first; });
      for (size_t i = 0; i < by_count.size() && static_cast<int64_t>(i) < top_k; ++i) col.levels.push_back(by_count[i].first);
      col.levels.push_back(kOtherLevel);
      col.pixels = static_cast<int64_t>(col.levels.size());
    }
    col.first_pixel = pixel;
    pixel += col.pixels;
    columns_.push_back(std::move(col));
  }
  features_ = pixel;
  const int64_t smallest = std::max<int64_t>(1, static_cast<int64_t>(std::ceil(std::sqrt(static_cast<double>(features_)))));
  check(side == 0 || side >= smallest, "TON_IoT: the records encode to " + std::to_string(features_) +
                                           " features, which need images of side " + std::to_string(smallest) +
                                           " or more; " + std::to_string(side) + " asked for");
  side_ = side == 0 ? smallest : side;
}

Tensor TabularCodec::encode(const CsvTable& table, const std::vector<int64_t>& rows) const {
  const int64_t n = static_cast<int64_t>(rows.size()), plane = side_ * side_;
  Tensor images = Tensor::zeros({n, 1, side_, side_});
  for (int64_t i = 0; i < n; ++i) {
    const std::vector<std::string>& row = table.rows[static_cast<size_t>(rows[static_cast<size_t>(i)])];
    float* img = images.data() + i * plane;
    for (const TabularColumn& col : columns_) {
      const std::string& v = row[static_cast<size_t>(col.csv_index)];
      if (v == kMissing || v.empty()) continue;
      if (col.numeric) {
        double x = 0;
        check(parse_number(v, x), "TON_IoT: line " + std::to_string(table.lines[static_cast<size_t>(rows[static_cast<size_t>(i)])]) +
                                      ": column " + col.name + " holds '" + v + "', not a number");
        img[col.first_pixel] = static_cast<float>(to_unit(col, x));
      } else {
        auto it = std::find(col.levels.begin(), col.levels.end() - 1, v);
        img[col.first_pixel + (it - col.levels.begin())] = 1.0f;  // the last slot is "other"
      }
    }
  }
  return images;
}

std::vector<std::vector<std::string>> TabularCodec::decode(const Tensor& images) const {
  check(images.dim() == 4 && images.size(2) == side_ && images.size(3) == side_,
        "TON_IoT decode: images must be (N, 1, " + std::to_string(side_) + ", " + std::to_string(side_) + "), got " +
            shape_str(images.shape()));
  const int64_t n = images.size(0), plane = images.numel() / std::max<int64_t>(n, 1);
  std::vector<std::vector<std::string>> out(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    const float* img = images.data() + i * plane;
    for (const TabularColumn& col : columns_) {
      if (col.numeric) {
        out[static_cast<size_t>(i)].push_back(std::to_string(from_scale(col, pixel_to_scale(col, img[col.first_pixel]))));
      } else {
        const float* block = img + col.first_pixel;
        const int64_t best = std::max_element(block, block + col.pixels) - block;
        out[static_cast<size_t>(i)].push_back(block[best] < 0.5f ? kMissing : col.levels[static_cast<size_t>(best)]);
      }
    }
  }
  return out;
}

RecordErrors TabularCodec::record_errors(const CsvTable& table, const std::vector<int64_t>& rows,
                                         const Tensor& images) const {
  check(images.size(0) == static_cast<int64_t>(rows.size()), "TON_IoT score: " + std::to_string(images.size(0)) +
                                                                 " images for " + std::to_string(rows.size()) + " rows");
  const auto decoded = decode(images);
  const int64_t plane = side_ * side_;
  RecordErrors e;
  std::map<std::string, double> column_sum;
  for (size_t i = 0; i < rows.size(); ++i) {
    const std::vector<std::string>& row = table.rows[static_cast<size_t>(rows[i])];
    const float* img = images.data() + static_cast<int64_t>(i) * plane;
    double scaled_sum = 0;
    int64_t numeric = 0, categorical = 0, right = 0;
    for (size_t k = 0; k < columns_.size(); ++k) {
      const TabularColumn& col = columns_[k];
      const std::string& truth = row[static_cast<size_t>(col.csv_index)];
      const bool missing = truth == kMissing || truth.empty();
      if (col.numeric) {
        double t = from_scale(col, col.min);  // missing encodes as the bottom of the range
        if (!missing) parse_number(truth, t);
        const double got = pixel_to_scale(col, img[col.first_pixel]);
        const double range = col.max - col.min;
        scaled_sum += range > 0 ? std::abs(to_scale(col, t) - got) / range : 0.0;
        column_sum[col.name] += std::abs(t - from_scale(col, got));
        ++numeric;
      } else {
        const bool in_levels = std::find(col.levels.begin(), col.levels.end() - 1, truth) != col.levels.end() - 1;
        right += decoded[i][k] == (missing ? kMissing : in_levels ? truth : kOtherLevel);
        ++categorical;
      }
    }
    e.numeric_mae_scaled.push_back(numeric ? scaled_sum / static_cast<double>(numeric) : 0.0);
    e.categorical_accuracy.push_back(categorical ? static_cast<double>(right) / static_cast<double>(categorical) : 1.0);
  }
  for (const auto& [name, sum] : column_sum) e.column_mae[name] = rows.empty() ? 0.0 : sum / static_cast<double>(rows.size());
  return e;
}

TabularScores TabularCodec::score(const CsvTable& table, const std::vector<int64_t>& rows, const Tensor& images) const {
  const RecordErrors e = record_errors(table, rows, images);
  auto mean = [](const std::vector<double>& v) {
    double sum = 0;
    for (double x : v) sum += x;
    return v.empty() ? 0.0 : sum / static_cast<double>(v.size());
  };
  return {e.column_mae, mean(e.numeric_mae_scaled), rows.empty() ? 1.0 : mean(e.categorical_accuracy)};
}

std::vector<std::string> TonIotOptions::default_log_columns() {
  return {"duration", "src_bytes", "dst_bytes", "missed_bytes", "src_pkts", "src_ip_bytes", "dst_pkts", "dst_ip_bytes"};
}

TonIotData load_ton_iot(const TonIotOptions& o) {
  check(o.target == "label" || o.target == "type", "TON_IoT: target must be 'label' or 'type', got '" + o.target + "'");
  TonIotData d;
  d.table = read_csv(o.path);
  const CsvTable& t = d.table;
  for (const std::string& name : kRequired)
    check(t.column(name) >= 0, o.path + ": missing column '" + name + "' (TON_IoT Train_Test_Network.csv schema)");
  if (o.keep_identifiers)
    for (const std::string& name : kIdentifiers)
      check(t.column(name) >= 0, o.path + ": missing column '" + name + "' (keep_identifiers is set)");
  check(!t.rows.empty(), o.path + ": no records");
  // Feature columns in file order.
  std::vector<int64_t> features;
  for (size_t c = 0; c < t.header.size(); ++c) {
    const std::string& name = t.header[c];
    const bool id = std::find(kIdentifiers.begin(), kIdentifiers.end(), name) != kIdentifiers.end();
    const bool required = std::find(kRequired.begin(), kRequired.end(), name) != kRequired.end();
    bool prefixed = false;
    for (const std::string& p : kPrefixes) prefixed = prefixed || name.rfind(p, 0) == 0;
    if (name == "label" || name == "type") continue;
    if ((id && o.keep_identifiers) || required || prefixed) features.push_back(static_cast<int64_t>(c));
  }
  // Labels.
  const int64_t target = t.column(o.target);
  std::vector<int64_t> labels(t.rows.size());
  std::vector<std::string> class_names;
  if (o.target == "label") {
    class_names = {"normal", "attack"};
    for (size_t r = 0; r < t.rows.size(); ++r) {
      const std::string& v = t.rows[r][static_cast<size_t>(target)];
      check(v == "0" || v == "1", o.path + ":" + std::to_string(t.lines[r]) + ": label '" + v + "' is not 0 or 1");
      labels[r] = v == "1";
    }
  } else {
    for (const auto& row : t.rows) class_names.push_back(row[static_cast<size_t>(target)]);
    std::sort(class_names.begin(), class_names.end());
    class_names.erase(std::unique(class_names.begin(), class_names.end()), class_names.end());
    for (size_t r = 0; r < t.rows.size(); ++r)
      labels[r] = std::lower_bound(class_names.begin(), class_names.end(), t.rows[r][static_cast<size_t>(target)]) -
                  class_names.begin();
  }
  const Split split = seeded_split(static_cast<int64_t>(t.rows.size()), o.train_fraction, o.seed);
  d.train_rows = split.first, d.test_rows = split.second;
  check(!d.train_rows.empty(), o.path + ": the training split is empty (train_fraction " + std::to_string(o.train_fraction) + ")");
  for (const std::string& name : o.log_columns)
    check(std::find(features.begin(), features.end(), t.column(name)) != features.end(),
          o.path + ": log-scaled column '" + name + "' is not a feature column of the file");
  d.codec = TabularCodec(t, d.train_rows, features, o.top_k, o.side, o.log_columns);
  auto make = [&](const std::vector<int64_t>& rows) {
    ImageSet s{d.codec.encode(t, rows), {}, class_names};
    for (int64_t r : rows) s.labels.push_back(labels[static_cast<size_t>(r)]);
    return s;
  };
  d.train = make(d.train_rows);
  d.test = make(d.test_rows);
  return d;
}

}  // namespace splitleak::datasets
