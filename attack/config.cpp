#include "attack/config.h"

#include <algorithm>
#include <sstream>
#include <vector>

#include "core/error.h"

namespace splitleak::attack {
namespace {

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

template <typename T>
T parse(const std::string& where, const std::string& key, const std::string& text, const char* type) {
  std::istringstream in(text);
  T value{};
  in >> value;
  check(!in.fail() && in.eof(), where + ": " + key + " = '" + text + "' is not " + type);
  return value;
}

}  // namespace

const std::string* Config::find(const std::string& key) const {
  used_.insert(key);
  auto it = values_.find(key);
  return it == values_.end() ? nullptr : &it->second;
}

int64_t Config::get_int(const std::string& key, int64_t fallback) const {
  const std::string* v = find(key);
  return v ? parse<int64_t>(where_, key, *v, "an integer") : fallback;
}

double Config::get_double(const std::string& key, double fallback) const {
  const std::string* v = find(key);
  return v ? parse<double>(where_, key, *v, "a number") : fallback;
}

bool Config::get_bool(const std::string& key, bool fallback) const {
  const std::string* v = find(key);
  if (!v) return fallback;
  if (*v == "true" || *v == "1") return true;
  if (*v == "false" || *v == "0") return false;
  throw Error(where_ + ": " + key + " = '" + *v + "' is not true or false");
}

std::string Config::get_string(const std::string& key, const std::string& fallback) const {
  const std::string* v = find(key);
  return v ? *v : fallback;
}

void Config::check_all_used() const {
  for (const auto& [key, value] : values_) {
    if (used_.count(key)) continue;
    std::string best;
    size_t best_distance = 4;
    for (const auto& known : used_) {
      const size_t d = edit_distance(key, known);
      if (d < best_distance) best = known, best_distance = d;
    }
    throw Error(where_ + ": unknown key '" + key + "'" + (best.empty() ? "" : " (did you mean '" + best + "'?)"));
  }
}

}  // namespace splitleak::attack
