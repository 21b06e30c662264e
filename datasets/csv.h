#pragma once
// A CSV file in memory (RFC 4180: comma separated, double-quoted fields may hold commas, quotes
// as "" and line breaks). Debian ships no C++ CSV library, hence this small reader.
#include <string>
#include <vector>

namespace splitleak::datasets {

struct CsvTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<int64_t> lines;  // the file line where each row starts (1-based; the header is line 1)
  // The index of a header column, or -1.
  int64_t column(const std::string& name) const;
};

// Throws Error naming the file (and line) when it is missing, empty, has an unterminated quote or
// a row whose field count differs from the header's.
CsvTable read_csv(const std::string& path);

}  // namespace splitleak::datasets
