#pragma once
// Reading one YAML mapping against a schema (experiments and thresholds files): getters record
// the keys they ask for, so whatever else the mapping holds is an unknown key, reported with
// the closest known one; every message names file, line and key. Internal to experiments/.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/suggest.h"
#include "experiments/experiment.h"
#include "experiments/yaml_document.h"

namespace splitleak::experiments {

struct Source {
  std::string file;
  std::set<std::string> overridden;  // keys as Origin writes them: attackers[0].steps
};

inline std::string kind_name(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Map: return "a mapping";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Null: return "nothing";
    default: return "'" + n.Scalar() + "'";
  }
}

// One mapping of the file. Getters record the key whether or not it is present.
class Section {
 public:
  Section(YAML::Node node, std::string path, const Source& source)
      : node_(std::move(node)), path_(std::move(path)), source_(source) {}

  std::string key_path(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }

  Origin origin(const std::string& key) const {
    const std::string full = key_path(key);
    if (source_.overridden.count(full)) return {"--set", 0, full};
    YAML::Mark mark = node_.Mark();  // a missing key: the mapping that should hold it
    for (const auto& kv : node_)
      if (kv.first.IsScalar() && kv.first.Scalar() == key && !kv.first.Mark().is_null()) mark = kv.first.Mark();
    return {source_.file, mark.is_null() ? 0 : mark.line + 1, full};
  }

  [[noreturn]] void fail(const std::string& key, const std::string& what) const {
    throw Error(shown(origin(key).str(), 300) + ": " + what);  // a path, then the key, long or not
  }

  // A required key is absent: a stranger that looks like it is the likelier mistake.
  [[noreturn]] void missing(const std::string& key, const std::string& what) const {
    for (const auto& kv : node_) {
      const std::string other = kv.first.as<std::string>();
      if (!asked_.count(other) && other != key && !closest_name(other, {key}).empty())
        fail(other, "unknown key (did you mean '" + key + "'?)");
    }
    fail(key, "missing: " + what);
  }

  bool has(const std::string& key) {
    asked_.insert(key);
    const YAML::Node n = node_[key];
    return n && !n.IsNull();
  }

  YAML::Node raw(const std::string& key) {
    asked_.insert(key);
    return node_[key];
  }

  template <typename T>
  T get(const std::string& key, T fallback, const char* expected) {
    if (!has(key)) return fallback;
    const YAML::Node n = node_[key];
    if (!n.IsScalar()) fail(key, std::string("expected ") + expected + ", got " + kind_name(n));
    try {
      return n.as<T>();
    } catch (const YAML::Exception&) {
      fail(key, std::string("expected ") + expected + ", got " + kind_name(n));
    }
  }
  // An integer in [minimum, maximum]: every count that sizes memory or work has a maximum, so the
  // products a plan forms of them fit in 64 bits.
  int64_t get_int(const std::string& key, int64_t fallback, int64_t minimum, int64_t maximum) {
    const int64_t v = get<int64_t>(key, fallback, "an integer");
    if (v < minimum || v > maximum)
      fail(key, "expected an integer in [" + std::to_string(minimum) + ", " + std::to_string(maximum) + "], got " +
                    std::to_string(v));
    return v;
  }
  double get_double(const std::string& key, double fallback, double low, double high, bool open_low = false) {
    const double v = get<double>(key, fallback, "a number");
    if (!(open_low ? v > low : v >= low) || !(v <= high))
      fail(key, "expected a number in " + std::string(open_low ? "(" : "[") + fmt(low) + ", " + fmt(high) + "], got " + fmt(v));
    return v;
  }
  bool get_bool(const std::string& key, bool fallback) { return get<bool>(key, fallback, "true or false"); }
  std::string get_string(const std::string& key, const std::string& fallback) {
    return get<std::string>(key, fallback, "a string");
  }
  std::string get_choice(const std::string& key, const std::string& fallback, const std::vector<std::string>& choices) {
    const std::string v = get_string(key, fallback);
    if (std::find(choices.begin(), choices.end(), v) == choices.end()) {
      std::string list;
      for (const auto& c : choices) list += (list.empty() ? "" : ", ") + c;
      fail(key, "expected one of " + list + ", got '" + shown(v) + "'" + did_you_mean(v, choices));
    }
    return v;
  }

  // A sequence of strings (possibly empty).
  std::vector<std::string> get_strings(const std::string& key, const std::vector<std::string>& fallback) {
    if (!has(key)) return fallback;
    const YAML::Node n = node_[key];
    if (!n.IsSequence()) fail(key, "expected a list of strings, got " + kind_name(n));
    std::vector<std::string> out;
    for (size_t i = 0; i < n.size(); ++i) {
      if (!n[i].IsScalar()) fail(key, "entry " + std::to_string(i) + " is not a string");
      out.push_back(n[i].Scalar());
    }
    return out;
  }

  Section child(const std::string& key) {
    const YAML::Node n = raw(key);
    if (n && !n.IsNull() && !n.IsMap()) fail(key, "expected a mapping, got " + kind_name(n));
    return Section(n && n.IsMap() ? n : YAML::Node(YAML::NodeType::Map), key_path(key), source_);
  }

  // Every key of the mapping was asked for; otherwise the first stranger, with the closest.
  void finish() const {
    for (const auto& kv : node_) {
      const std::string key = kv.first.as<std::string>();
      if (!asked_.count(key)) fail(key, "unknown key" + did_you_mean(key, {asked_.begin(), asked_.end()}));
    }
  }

  const YAML::Node& node() const { return node_; }
  const std::string& path() const { return path_; }

 private:
  static std::string fmt(double v) {
    std::ostringstream out;
    out << v;
    return out.str();
  }
  YAML::Node node_;
  std::string path_;
  const Source& source_;
  std::set<std::string> asked_;
};

}  // namespace splitleak::experiments
