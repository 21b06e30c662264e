#pragma once
// An attacker's settings as key = value text (what an experiment's YAML node holds once parsed),
// read with typed getters that record the keys they saw, so unknown keys are reported.
#include <cstdint>
#include <map>
#include <set>
#include <string>

namespace splitleak::attack {

class Config {
 public:
  Config() = default;
  // `where` names the source in messages ("exp.yaml: attackers[0]").
  // `origins` may name each key's own place ("exp.yaml:14: attackers[0].lr"); keys without
  // one are reported as "<where>: <key>".
  Config(std::string where, std::map<std::string, std::string> values, std::map<std::string, std::string> origins = {})
      : where_(std::move(where)), values_(std::move(values)), origins_(std::move(origins)) {}
  int64_t get_int(const std::string& key, int64_t fallback) const;
  // An integer in [min, max]; Error naming the key's place otherwise.
  int64_t get_int(const std::string& key, int64_t fallback, int64_t min, int64_t max) const;
  double get_double(const std::string& key, double fallback) const;
  bool get_bool(const std::string& key, bool fallback) const;
  std::string get_string(const std::string& key, const std::string& fallback) const;
  // A string among `allowed`; Error naming the key's place otherwise.
  std::string get_choice(const std::string& key, const std::string& fallback, const std::set<std::string>& allowed) const;
  // Throws Error naming the first key no getter asked for, with the closest known key.
  void check_all_used() const;

 private:
  const std::string* find(const std::string& key) const;
  std::string at(const std::string& key) const;
  std::string where_;
  std::map<std::string, std::string> values_, origins_;
  mutable std::set<std::string> used_;
};

}  // namespace splitleak::attack
