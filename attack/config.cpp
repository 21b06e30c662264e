#include "attack/config.h"

#include <algorithm>
#include <sstream>
#include <vector>

#include "core/error.h"
#include "core/suggest.h"

namespace splitleak::attack {
namespace {

template <typename T>
T parse(const std::string& at, const std::string& text, const char* type) {
  std::istringstream in(text);
  T value{};
  in >> value;
  check(!in.fail() && in.eof(), at + ": '" + shown(text) + "' is not " + type);
  return value;
}

}  // namespace

std::string Config::at(const std::string& key) const {
  auto it = origins_.find(key);
  return it != origins_.end() ? it->second : where_ + ": " + key;
}

const std::string* Config::find(const std::string& key) const {
  used_.insert(key);
  auto it = values_.find(key);
  return it == values_.end() ? nullptr : &it->second;
}

int64_t Config::get_int(const std::string& key, int64_t fallback) const {
  const std::string* v = find(key);
  return v ? parse<int64_t>(at(key), *v, "an integer") : fallback;
}

int64_t Config::get_int(const std::string& key, int64_t fallback, int64_t min, int64_t max) const {
  const int64_t value = get_int(key, fallback);
  check(value >= min && value <= max, at(key) + ": expected an integer in [" + std::to_string(min) + ", " +
                                          std::to_string(max) + "], not " + std::to_string(value));
  return value;
}

double Config::get_double(const std::string& key, double fallback) const {
  const std::string* v = find(key);
  return v ? parse<double>(at(key), *v, "a number") : fallback;
}

bool Config::get_bool(const std::string& key, bool fallback) const {
  const std::string* v = find(key);
  if (!v) return fallback;
  if (*v == "true" || *v == "1") return true;
  if (*v == "false" || *v == "0") return false;
  throw Error(at(key) + ": '" + *v + "' is not true or false");
}

std::string Config::get_string(const std::string& key, const std::string& fallback) const {
  const std::string* v = find(key);
  return v ? *v : fallback;
}

std::string Config::get_choice(const std::string& key, const std::string& fallback,
                               const std::set<std::string>& allowed) const {
  const std::string value = get_string(key, fallback);
  if (allowed.count(value)) return value;
  std::string listed;
  for (const std::string& a : allowed) listed += (listed.empty() ? "" : ", ") + a;
  throw Error(at(key) + ": expected one of " + listed + ", not '" + shown(value) + "'");
}

void Config::check_all_used() const {
  for (const auto& [key, value] : values_) {
    if (used_.count(key)) continue;
    throw Error(at(key) + ": unknown key" + did_you_mean(key, {used_.begin(), used_.end()}));
  }
}

}  // namespace splitleak::attack
