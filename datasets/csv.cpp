#include "datasets/csv.h"

#include <algorithm>

#include "core/error.h"
#include "core/input_file.h"

namespace splitleak::datasets {

int64_t CsvTable::column(const std::string& name) const {
  auto it = std::find(header.begin(), header.end(), name);
  return it == header.end() ? -1 : static_cast<int64_t>(it - header.begin());
}

CsvTable read_csv(const std::string& path) {
  const std::string text = read_file(path);
  CsvTable table;
  std::vector<std::string> record;
  std::string field;
  bool quoted = false, field_started = false;
  int64_t line = 1, record_line = 1;
  auto end_record = [&] {
    record.push_back(std::move(field));
    field.clear();
    field_started = false;
    if (record.size() == 1 && record[0].empty()) {  // a blank line
      record.clear();
      return;
    }
    if (table.header.empty()) {
      table.header = std::move(record);
    } else {
      check(record.size() == table.header.size(), path + ":" + std::to_string(record_line) + ": " +
                                                      std::to_string(record.size()) + " fields, the header has " +
                                                      std::to_string(table.header.size()));
      table.rows.push_back(std::move(record));
      table.lines.push_back(record_line);
    }
    record.clear();
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') field += '"', ++i;
      else if (c == '"') quoted = false;
      else {
        if (c == '\n') ++line;
        field += c;
      }
    } else if (c == '"' && !field_started) {
      quoted = field_started = true;
    } else if (c == ',') {
      record.push_back(std::move(field));
      field.clear();
      field_started = false;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      end_record();
      record_line = ++line;
    } else {
      field += c;
      field_started = true;
    }
  }
  check(!quoted, path + ":" + std::to_string(record_line) + ": unterminated quoted field");
  if (field_started || !record.empty()) end_record();
  check(!table.header.empty(), path + ": empty CSV file");
  return table;
}

}  // namespace splitleak::datasets
