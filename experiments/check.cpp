#include "experiments/check.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <map>

#include "core/input_file.h"
#include "core/error.h"
#include "experiments/results.h"
#include "experiments/yaml_section.h"

namespace splitleak::experiments {
namespace {

using json = nlohmann::json;

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

std::string xml_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

void read_cut_thresholds(Section s, CutThresholds& t) {
  if (s.has("min_psnr"))
    s.fail("min_psnr", "a higher PSNR is a closer reconstruction, so the privacy bound is max_psnr");
  if (s.has("max_ssim")) t.max_ssim = s.get_double("max_ssim", 1, 0, 1);
  if (s.has("max_psnr")) t.max_psnr = s.get_double("max_psnr", 100, 0, 1000);
  if (s.has("max_label_leakage")) t.max_label_leakage = s.get_double("max_label_leakage", 1, 0, 1);
  if (s.has("max_ssim_beyond_output")) t.max_ssim_beyond_output = s.get_double("max_ssim_beyond_output", 0, -1, 1);
  if (s.has("max_tail_fraction")) t.max_tail_fraction = s.get_double("max_tail_fraction", 0, 0, 1);
  if (s.has("max_accuracy_drop")) {
    if (t.defence.empty())
      s.fail("max_accuracy_drop", "an undefended cut loses no accuracy; bound a defence's under defences:");
    t.max_accuracy_drop = s.get_double("max_accuracy_drop", 0, -1, 1);
  }
  s.finish();
  if (!t.max_ssim && !t.max_psnr && !t.max_label_leakage && !t.max_ssim_beyond_output && !t.max_tail_fraction &&
      !t.max_accuracy_drop)
    throw Error(s.origin("max_ssim").str() + ": no threshold for cut '" + t.cut +
                "' (max_ssim, max_psnr, max_label_leakage, max_ssim_beyond_output, max_tail_fraction" +
                (t.defence.empty() ? ")" : " or max_accuracy_drop)"));
}

// Every cut's thresholds of a `cuts:` mapping, for `defence` (empty: the undefended cuts).
void read_cuts(Section cuts, const std::string& defence, std::vector<CutThresholds>& out) {
  for (const auto& kv : cuts.node()) {
    CutThresholds c;
    c.cut = kv.first.as<std::string>();
    c.defence = defence;
    read_cut_thresholds(cuts.child(c.cut), c);
    out.push_back(c);
  }
}

}  // namespace

Thresholds load_thresholds(const std::string& path) {
  YAML::Node root = load_yaml_file(path, "thresholds");
  check(root.IsMap(), path + ": expected a mapping with cuts and/or recommended_cut_at_most");
  const Source source{path, {}};
  Section s(root, "", source);
  Thresholds t;
  if (s.has("cuts")) read_cuts(s.child("cuts"), "", t.cuts);
  if (s.has("defences")) {
    Section defences = s.child("defences");
    for (const auto& kv : defences.node()) {
      const std::string defence = kv.first.as<std::string>();
      if (defence == "none") defences.fail("none", "the undefended cuts are bounded under cuts:");
      read_cuts(defences.child(defence), defence, t.cuts);
    }
  }
  if (s.has("recommended_cut_at_most")) t.recommended_cut_at_most = s.get_string("recommended_cut_at_most", "");
  t.fail_on_inconclusive = s.get_bool("fail_on_inconclusive", false);
  s.finish();
  check(!t.cuts.empty() || t.recommended_cut_at_most || t.fail_on_inconclusive,
        path + ": no thresholds (cuts, recommended_cut_at_most or fail_on_inconclusive)");
  return t;
}

std::vector<CheckRow> check_results(const std::string& path, const Thresholds& thresholds) {
  json doc;
  try {
    doc = json::parse(read_file(path));
  } catch (const json::exception& e) {
    throw Error(path + ": not valid JSON: " + plain_message(e));
  }
  try {
    check(doc.is_object(), path + ": not a splitleak results file (a JSON " + std::string(doc.type_name()) +
                               ", not an object)");
    const std::string schema = doc.value("schema", "");
    check(schema == kResultsSchema || schema == kResultsSchemaV1,
          path + ": not a splitleak results file (schema " + std::string(kResultsSchema) + " or " + kResultsSchemaV1 + ")");
    const bool v2 = schema == kResultsSchema;
    std::map<std::string, size_t> position;
    const json& cuts = doc.at("cuts");
    check(cuts.is_array() && !cuts.empty(), path + ": malformed results: no cuts (a run judges at least one)");
    for (size_t i = 0; i < cuts.size(); ++i) position[cuts[i].at("name").get<std::string>()] = i;
    std::vector<std::string> names;
    for (const auto& [n, i] : position) names.push_back(n);
    auto needs_v2 = [&](const char* what) {
      check(v2, what + std::string(" needs a ") + kResultsSchema + " results file; " + path + " is " + schema);
    };

    std::vector<CheckRow> rows;
    // The attacker with the highest upper bound of `metric` at a cut (ties to the higher mean).
    auto worst = [&](const json& cut, const std::vector<const char*>& metric) {
      const json* best = nullptr;
      auto at = [&](const json& a) -> const json& {
        const json* j = &a;
        for (const char* key : metric) j = &j->at(key);
        return *j;
      };
      for (const auto& a : cut.at("attackers")) {
        if (!best) { best = &a; continue; }
        const double high = at(a).at("high").get<double>(), best_high = at(*best).at("high").get<double>();
        if (high > best_high || (high == best_high && at(a).at("mean").get<double>() > at(*best).at("mean").get<double>()))
          best = &a;
      }
      check(best != nullptr, path + ": cut " + cut.at("name").get<std::string>() + " has no attacker results");
      return std::make_pair(best->at("attacker").get<std::string>(), at(*best).at("high").get<double>());
    };
    auto apply = [&](const json& cut, const CutThresholds& t) {
      const std::string name = cut.at("name").get<std::string>() + (t.defence.empty() ? "" : " " + cut.at("defence").get<std::string>());
      const std::vector<std::tuple<const char*, std::vector<const char*>, std::optional<double>>> checks{
          {"max_ssim", {"ssim"}, t.max_ssim}, {"max_psnr", {"psnr"}, t.max_psnr},
          {"max_label_leakage", {"label_leakage"}, t.max_label_leakage},
          {"max_ssim_beyond_output", {"beyond_floor"}, t.max_ssim_beyond_output},
          {"max_tail_fraction", {"tail", "fraction"}, t.max_tail_fraction}};
      for (const auto& [what, metric, limit] : checks) {
        if (!limit) continue;
        if (metric.front() == std::string("beyond_floor") || metric.front() == std::string("tail")) needs_v2(what);
        const auto [attacker, high] = worst(cut, metric);
        rows.push_back({name, what, number(high), number(*limit), attacker, high <= *limit});
      }
      if (t.max_accuracy_drop) {
        const json& drop = cut.at("accuracy_drop");
        check(!drop.is_null(), path + ": " + name + " has no accuracy drop (the run's dataset has no labels)");
        const double value = drop.get<double>();
        rows.push_back({name, "max_accuracy_drop", number(value), number(*t.max_accuracy_drop), "",
                        value <= *t.max_accuracy_drop});
      }
    };
    // The defended pairs a `defences:` entry names (a defence label or "*", a cut name or "*").
    auto apply_defended = [&](const CutThresholds& t) {
      needs_v2("defences");
      const json defended = doc.value("defended", json::array());
      std::vector<std::string> labels;
      for (const auto& d : doc.value("defences", json::array())) labels.push_back(d.get<std::string>());
      check(t.defence == "*" || std::find(labels.begin(), labels.end(), t.defence) != labels.end(),
            "thresholds name defence '" + t.defence + "', which " + path + " does not hold" + did_you_mean(t.defence, labels));
      check(t.cut == "*" || position.count(t.cut),
            "thresholds name cut '" + t.cut + "', which " + path + " does not hold" + did_you_mean(t.cut, names));
      for (const auto& pair : defended)
        if ((t.defence == "*" || pair.at("defence") == t.defence) && (t.cut == "*" || pair.at("name") == t.cut))
          apply(pair, t);
    };
    for (const auto& t : thresholds.cuts) {
      if (!t.defence.empty()) {
        apply_defended(t);
        continue;
      }
      if (t.cut == "*") {
        for (const auto& cut : cuts) apply(cut, t);
        continue;
      }
      auto it = position.find(t.cut);
      check(it != position.end(), "thresholds name cut '" + t.cut + "', which " + path + " does not hold" +
                                      did_you_mean(t.cut, names));
      apply(cuts[it->second], t);
    }
    if (thresholds.recommended_cut_at_most) {
      const std::string& limit = *thresholds.recommended_cut_at_most;
      auto it = position.find(limit);
      check(it != position.end(), "recommended_cut_at_most: cut '" + limit + "' is not in " + path + did_you_mean(limit, names));
      const json& rec = doc.at("recommended_cut");
      CheckRow row{"(recommendation)", "recommended_cut_at_most", rec.is_null() ? "none" : rec.get<std::string>(), limit, "",
                   false};
      row.ok = !rec.is_null() && position.at(rec.get<std::string>()) <= it->second;
      rows.push_back(row);
    }
    if (thresholds.fail_on_inconclusive) {
      needs_v2("fail_on_inconclusive");
      for (const auto& cut : cuts) {
        std::string still;
        for (const auto& a : cut.at("attackers"))
          if (a.at("under_trained").get<bool>()) {
            if (!still.empty()) still += ',';
            still += a.at("attacker").get<std::string>();
          }
        const std::string status = cut.at("status").get<std::string>();
        rows.push_back({cut.at("name").get<std::string>(), "fail_on_inconclusive", status, "not inconclusive", still,
                        status != "inconclusive"});
      }
    }
    return rows;
  } catch (const json::exception& e) {
    throw Error(path + ": malformed results: " + plain_message(e));
  }
}

std::string check_table(const std::vector<CheckRow>& rows) {
  std::string out;
  char line[512];
  std::snprintf(line, sizeof line, "%-24s %-24s %-12s %-10s %-12s %s\n", "cut", "threshold", "value", "limit",
                "attacker", "status");
  out += line;
  for (const auto& r : rows) {
    std::snprintf(line, sizeof line, "%-24s %-24s %-12s %-10s %-12s %s\n", r.cut.c_str(), r.what.c_str(), r.value.c_str(),
                  r.limit.c_str(), r.attacker.empty() ? "-" : r.attacker.c_str(), r.ok ? "ok" : "VIOLATED");
    out += line;
  }
  size_t failed = 0;
  for (const auto& r : rows) failed += r.ok ? 0 : 1;
  out += std::to_string(rows.size()) + " thresholds, " + std::to_string(failed) + " violated\n";
  return out;
}

std::string junit_xml(const std::vector<CheckRow>& rows, const std::string& results_json) {
  size_t failed = 0;
  for (const auto& r : rows) failed += r.ok ? 0 : 1;
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<testsuites name=\"splitleak check\" tests=\"" + std::to_string(rows.size()) + "\" failures=\"" +
         std::to_string(failed) + "\">\n";
  out += "  <testsuite name=\"" + xml_escape(results_json) + "\" tests=\"" + std::to_string(rows.size()) +
         "\" failures=\"" + std::to_string(failed) + "\" errors=\"0\">\n";
  for (const auto& r : rows) {
    out += "    <testcase classname=\"splitleak.check." + xml_escape(r.cut) + "\" name=\"" + xml_escape(r.what) + "\"";
    if (r.ok) {
      out += "/>\n";
      continue;
    }
    const std::string message = r.what + ": " + r.value + " > " + r.limit + (r.attacker.empty() ? "" : " (" + r.attacker + ")");
    out += ">\n      <failure message=\"" + xml_escape(message) + "\" type=\"threshold\">" + xml_escape(message) +
           "</failure>\n    </testcase>\n";
  }
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

}  // namespace splitleak::experiments
