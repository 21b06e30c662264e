#include "experiments/report.h"

#include <nlohmann/json.hpp>
#include <sodium.h>

#include <cmath>
#include <filesystem>
#include <functional>
#include <map>
#include <sstream>

#include "core/atomic_file.h"
#include "core/input_file.h"
#include "core/error.h"
#include "core/hdf5_io.h"
#include "experiments/figures.h"
#include "experiments/results.h"

namespace splitleak::experiments {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;

std::string html_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '&') out += "&amp;";
    else if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '"') out += "&quot;";
    else out += c;
  }
  return out;
}

std::string base64_file(const fs::path& path) {
  const std::string bytes = read_file(path.string());
  std::string out(sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

std::string img(const fs::path& png, const std::string& alt) {
  return "<img alt=\"" + html_escape(alt) + "\" src=\"data:image/png;base64," + base64_file(png) + "\">\n";
}

std::string fmt(double v, const char* f = "%.3f") {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

std::string file_stem(const std::string& name) {
  std::string out;
  for (char c : name) out += std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' ? c : '_';
  return out;
}

std::string interval_text(const json& i, const char* f = "%.3f") {
  return fmt(i.at("mean").get<double>(), f) + " [" + fmt(i.at("low").get<double>(), f) + ", " +
         fmt(i.at("high").get<double>(), f) + "]";
}

std::string status_html(const std::string& status) {
  const char* cls = status == "safe" ? "safe" : status == "inconclusive" ? "inconclusive" : "unsafe";
  return std::string("<span class=") + cls + ">" + (status == "unsafe" ? "leaks" : status) + "</span>";
}

// One sentence per rule: the recommended cut, or why there is none (the deepest cut that is not
// safe blocks every earlier one, so its reason is the reason).
std::string decision_html(const json& doc) {
  const json& p = doc.at("privacy");
  const json& cuts = doc.at("cuts");
  const std::string deciding = p.at("rule").get<std::string>();
  std::ostringstream h;
  h << "<h2>Decision</h2>\n<ul>\n";
  for (const std::string rule : {"absolute", "beyond_output"}) {
    const json& rec = doc.at("recommended_cut_by_rule").at(rule);
    const std::string limit = rule == "absolute" ? "worst-case mean SSIM at most " + fmt(p.at("threshold").get<double>(), "%.2f")
                                                 : "worst-case SSIM beyond the output floor at most " +
                                                       fmt(p.at("margin").get<double>(), "%.2f");
    h << "<li><b>" << rule << "</b>" << (rule == deciding ? " (the rule that decides)" : "") << ", " << html_escape(limit)
      << " (upper " << fmt(p.at("confidence").get<double>() * 100, "%.0f") << "% bounds): ";
    const json* blocking = nullptr;
    for (const auto& c : cuts)
      if (c.at("verdicts").at(rule).at("status").get<std::string>() != "safe") blocking = &c;
    if (rec.is_string()) {
      h << "recommended cut <b>" << html_escape(rec.get<std::string>()) << "</b>, the earliest cut after which every cut is safe";
      if (rec.get<std::string>() == doc.at("floor").at("node").get<std::string>())
        h << " (the model's output: the whole network stays in the TEE and the GPU side gets only what it sees anyway)";
    } else {
      h << "<b>no cut is safe</b>";
    }
    if (blocking) {
      const json& v = blocking->at("verdicts").at(rule);
      h << (rec.is_string() ? "; the cut before it, " : ": the deepest candidate that is not safe is ") << "<b>"
        << html_escape(blocking->at("name").get<std::string>()) << "</b>, " << status_html(v.at("status").get<std::string>())
        << " &mdash; " << html_escape(v.at("reason").get<std::string>());
      if (!rec.is_string() && v.at("status").get<std::string>() == "inconclusive")
        h << ". Train the named attackers longer (more steps) and run again: an attacker still improving cannot make a cut safe";
    }
    h << ".</li>\n";
  }
  h << "</ul>\n";
  if (!cuts.empty() && cuts.front().at("attackers").size() < 2)
    h << "<p class=inconclusive>Only one attacker was run: a cut it cannot invert may still leak to another. Add a "
         "second kind (inverse_net, rmle, cgan) before relying on a safe verdict.</p>\n";
  const json& f = doc.at("floor");
  const json& chance = doc.at("label_chance");
  h << "<p>The <b>output floor</b> is what the GPU side rebuilds from the model's output alone (node <code>"
    << html_escape(f.at("node").get<std::string>()) << "</code>), leaked whatever the cut: " << html_escape(f.at("attacker").get<std::string>())
    << " reaches SSIM " << interval_text(f.at("ssim")) << ". Baselines without features, scored like attackers but never "
    << "counted as the worst case: <i>prior</i> (the mean auxiliary image of the class the victim predicts) and <i>mean</i> "
    << "(the mean auxiliary image). Label leakage by chance: " << fmt(chance.at("uniform").get<double>(), "%.2f")
    << " (1 / classes), " << fmt(chance.at("majority").get<double>(), "%.2f") << " (the most frequent predicted class).</p>\n";
  return h.str();
}

std::string convergence_text(const json& a) {
  if (!a.at("learned").get<bool>()) return "n/a";
  double rise = 0;
  for (const auto& s : a.at("seeds")) rise = std::max(rise, s.at("convergence").at("rise").get<double>());
  return std::string(a.at("under_trained").get<bool>() ? "<span class=inconclusive>still rising</span>" : "converged") +
         " (" + fmt(rise, "%+.3f") + ")";
}

std::string seeds_text(const json& a) {
  const json& seeds = a.at("seeds");
  if (seeds.size() <= 1) return seeds.empty() ? "-" : "1";
  std::string out = std::to_string(seeds.size()) + ":";
  for (const auto& s : seeds)
    out += std::string(" ") + (s.at("chosen").get<bool>() ? "<b>" : "") + fmt(s.at("ssim").at("mean").get<double>()) +
           (s.at("chosen").get<bool>() ? "</b>" : "");
  return out;
}

// Every cut: its attackers (the worst under each rule marked), baselines, both verdicts.
std::string leakage_table_html(const json& cuts) {
  std::ostringstream h;
  h << "<table><tr><th class=l>cut</th><th class=l>attacker</th><th>SSIM [95%]</th><th>beyond floor [95%]</th>"
       "<th>tail share [95%]</th><th>PSNR</th><th>label leakage</th><th class=l>convergence</th><th class=l>seeds</th>"
       "<th>training, s</th><th class=l>absolute</th><th class=l>beyond_output</th></tr>\n";
  for (const auto& c : cuts) {
    const json& v = c.at("verdicts");
    const size_t rows = c.at("attackers").size() + c.at("baselines").size();
    bool first = true;
    auto verdict_cells = [&] {
      if (!first) return std::string();
      const std::string span = " rowspan=" + std::to_string(rows);
      return "<td class=l" + span + ">" + status_html(v.at("absolute").at("status").get<std::string>()) + "</td><td class=l" +
             span + ">" + status_html(v.at("beyond_output").at("status").get<std::string>()) + "</td>";
    };
    for (const auto& a : c.at("attackers")) {
      const std::string name = a.at("attacker").get<std::string>();
      h << "<tr>" << (first ? "<td class=l rowspan=" + std::to_string(rows) + ">" + html_escape(c.at("name").get<std::string>()) +
                                  "<br><small>" + c.at("feature_shape").dump() + ", dCor " +
                                  fmt(c.at("distance_correlation").get<double>(), "%.2f") + "</small></td>"
                            : "")
        << "<td class=l>" << html_escape(name)
        << (name == v.at("absolute").at("worst_attacker").get<std::string>() ? " &dagger;" : "")
        << (name == v.at("beyond_output").at("worst_attacker").get<std::string>() ? " &Dagger;" : "") << "</td><td>"
        << interval_text(a.at("ssim")) << "</td><td>" << interval_text(a.at("beyond_floor"), "%+.3f") << "</td><td>"
        << interval_text(a.at("tail").at("fraction"), "%.2f") << "</td><td>" << fmt(a.at("psnr").at("mean").get<double>(), "%.2f")
        << "</td><td>" << fmt(a.at("label_leakage").at("mean").get<double>(), "%.2f") << "</td><td class=l>"
        << convergence_text(a) << "</td><td class=l>" << seeds_text(a) << "</td><td>"
        << fmt(a.at("train_seconds").get<double>(), "%.0f") << "</td>" << verdict_cells() << "</tr>\n";
      first = false;
    }
    for (const auto& b : c.at("baselines"))
      h << "<tr class=baseline><td class=l>" << html_escape(b.at("attacker").get<std::string>()) << " (baseline)</td><td>"
        << interval_text(b.at("ssim")) << "</td><td>-</td><td>" << interval_text(b.at("tail").at("fraction"), "%.2f")
        << "</td><td>" << fmt(b.at("psnr").at("mean").get<double>(), "%.2f") << "</td><td>"
        << fmt(b.at("label_leakage").at("mean").get<double>(), "%.2f") << "</td><td class=l>-</td><td class=l>-</td><td>-</td></tr>\n";
  }
  h << "</table>\n<p>&dagger; the worst attacker under <i>absolute</i>, &Dagger; under <i>beyond_output</i> (the highest "
       "upper bound of each rule's statistic). <i>beyond floor</i>: the paired per-image SSIM excess over the output floor "
       "(paired bootstrap). <i>tail share</i>: held-out images reconstructed above the tail SSIM (Clopper-Pearson). "
       "<i>convergence</i>: the rise of the validation SSIM over the last fifth of the steps (the largest over seeds). "
       "<i>seeds</i>: held-out SSIM of every restart, the one chosen on validation in bold. dCor: distance correlation "
       "between the held-out inputs and their feature maps.</p>\n";
  return h.str();
}

// TON_IoT runs: how well each attacker's reconstructions decode back into the held-out records
// (empty when no attacker has record scores).
std::string records_table_html(const json& cuts) {
  std::ostringstream rows;
  auto row = [&](const std::string& cut, const json& a, bool baseline) {
    if (!a.contains("records")) return;
    const json& r = a.at("records");
    std::string columns;
    for (const auto& [name, mae] : r.at("numeric_mae").items())
      columns += (columns.empty() ? "" : ", ") + html_escape(name) + " " + fmt(mae.get<double>(), "%.4g");
    rows << "<tr" << (baseline ? " class=baseline" : "") << "><td class=l>" << html_escape(cut) << "</td><td class=l>"
         << html_escape(a.at("attacker").get<std::string>()) << (baseline ? " (baseline)" : "") << "</td><td>"
         << interval_text(r.at("numeric_mae_scaled"), "%.4f") << "</td><td>"
         << interval_text(r.at("categorical_accuracy"), "%.3f") << "</td><td class=l><details><summary>"
         << r.at("numeric_mae").size() << " columns</summary><small>" << columns << "</small></details></td></tr>\n";
  };
  for (const auto& c : cuts) {
    const std::string cut = c.at("name").get<std::string>();
    for (const auto& a : c.at("attackers")) row(cut, a, false);
    for (const auto& b : c.at("baselines")) row(cut, b, true);
  }
  if (rows.str().empty()) return "";
  return "<h3>Record recovery</h3>\n<p>The reconstructions decoded back into network records and compared with the "
         "held-out originals: the numeric fields' mean absolute error in the [0, 1] units of the encoding (after log1p "
         "for the log-scaled columns; lower leaks more), the share of categorical fields decoded to the original level "
         "(higher leaks more), and per numeric column the mean absolute error in the column's own units.</p>\n"
         "<table><tr><th class=l>cut</th><th class=l>attacker</th><th>numeric MAE, scaled [95%]</th>"
         "<th>categorical accuracy [95%]</th><th class=l>numeric MAE per column</th></tr>\n" +
         rows.str() + "</table>\n";
}

// The value of results.json number `j`, NaN for null.
double number_or_nan(const json& j) { return j.is_null() ? std::nan("") : j.get<double>(); }

// The pair plots: one series per defence (none first), each cut's deciding-rule bound against
// `x_of` its entry; the decision's pair starred.
PairPlot pair_plot(const json& doc, const std::string& title, const std::string& x_label,
                   const std::function<double(const json& entry)>& x_of) {
  const std::string rule = doc.at("privacy").at("rule").get<std::string>();
  PairPlot plot;
  plot.title = title, plot.x_label = x_label;
  plot.y_label = rule == "absolute" ? "worst-case SSIM (upper 95% bound)" : "SSIM over the floor (95% bound)";
  if (rule != "absolute") plot.y_ceiling = 0;  // the excess: the points' own range
  plot.limit_label = rule == "absolute" ? "SSIM threshold" : "margin over the floor";
  plot.limit = doc.at("cuts").at(0).at("verdicts").at(rule).at("limit").get<double>();
  const json& decision = doc.at("decision");
  for (const auto& label : doc.at("defences")) {
    PairSeries s;
    s.label = label.get<std::string>();
    const json& entries = s.label == "none" ? doc.at("cuts") : doc.at("defended");
    for (const auto& c : entries) {
      if (s.label != "none" && c.at("defence") != label) continue;
      if (decision.is_object() && decision.at("cut") == c.at("name") && decision.at("defence") == label)
        plot.chosen = std::make_pair(plot.series.size(), s.cuts.size());
      s.cuts.push_back(c.at("name").get<std::string>());
      s.x.push_back(x_of(c));
      s.y.push_back(c.at("verdicts").at(rule).at("bound").get<double>());
    }
    plot.series.push_back(s);
  }
  return plot;
}

// The defences' section (issue 20): every (cut, defence) pair, undefended cuts included, as
// points of the deciding rule's bound against latency and against accuracy, the chosen pair
// marked; the pairs' table; the decision's sentence. "" when the run evaluated no defence.
std::string defences_html(const json& doc, const fs::path& figs) {
  const json& defended = doc.at("defended");
  if (defended.empty()) return "";
  const json& decision = doc.at("decision");
  const double victim_accuracy = number_or_nan(doc.at("victim").at("accuracy"));
  std::ostringstream h;
  h << "<h2>Defences at the cut</h2>\n<p>"
    << html_escape(decision.is_object() ? decision.at("sentence").get<std::string>()
                                        : std::string("No (cut, defence) pair is safe within the accuracy budget."))
    << " Every attacker was trained on defended features: it knows the defence and its parameters, not the enclave's "
       "random draws (docs/defences.md).</p>\n";
  plot_pairs((figs / "pairs_vs_latency.png").string(),
                  pair_plot(doc, "Privacy against latency per (cut, defence)", "latency of the split, ms",
                            [](const json& c) { return c.at("latency").at("total_ms").get<double>(); }));
  h << img(figs / "pairs_vs_latency.png", "privacy against latency per pair");
  if (!std::isnan(victim_accuracy)) {
    plot_pairs((figs / "pairs_vs_accuracy.png").string(),
                    pair_plot(doc, "Privacy against accuracy per (cut, defence)", "top-1 accuracy", [&](const json& c) {
                      return c.contains("accuracy") ? number_or_nan(c.at("accuracy")) : victim_accuracy;
                    }));
    h << img(figs / "pairs_vs_accuracy.png", "privacy against accuracy per pair");
  }
  h << "<table><tr><th class=l>cut</th><th class=l>defence</th><th>worst SSIM [95%]</th><th class=l>verdict</th>"
       "<th>accuracy</th><th>total, ms</th></tr>\n";
  for (const auto& c : defended)
    h << "<tr><td class=l>" << html_escape(c.at("name").get<std::string>()) << "</td><td class=l>"
      << html_escape(c.at("defence").get<std::string>()) << "</td><td>" << interval_text(c.at("worst_ssim"))
      << "</td><td class=l>" << status_html(c.at("status").get<std::string>()) << "</td><td>"
      << (c.at("accuracy").is_null() ? std::string("n/a") : fmt(c.at("accuracy").get<double>() * 100, "%.2f") + "%")
      << "</td><td>" << fmt(c.at("latency").at("total_ms").get<double>()) << "</td></tr>\n";
  h << "</table>\n";
  return h.str();
}

}  // namespace

std::string render_report(const std::string& run_dir) {
  const fs::path dir(run_dir);
  const fs::path results_path = dir / "results.json", h5_path = dir / "results.h5";
  std::error_code ec;
  check(fs::exists(results_path, ec), shown(run_dir, 200) + ": no results.json (has the run finished?)");
  json doc;
  try {
    doc = json::parse(read_file(results_path.string()));
  } catch (const json::exception& e) {
    throw Error(results_path.string() + ": not valid JSON: " + plain_message(e));
  }
  check(doc.is_object() && doc.value("schema", "") == kResultsSchema,
        shown(results_path.string(), 200) + ": not a splitleak results file (a JSON object of schema " + kResultsSchema + ")");
  fs::create_directories(dir / "figures", ec);
  check(!ec, shown((dir / "figures").string(), 200) + ": cannot create: " + ec.message());
  std::map<std::string, Tensor> samples;
  if (fs::exists(h5_path))
    for (auto& [name, t] : h5::read_tensors(h5_path.string())) samples[name] = t;

  try {
    const json& cuts = doc.at("cuts");
    check(!cuts.empty(), results_path.string() + ": no cuts");
    const double threshold = doc.at("privacy").at("threshold").get<double>();
    std::vector<std::string> names;
    std::vector<std::string> attackers;
    for (const auto& a : cuts[0].at("attackers")) attackers.push_back(a.at("attacker").get<std::string>());
    std::vector<Series> ssim(attackers.size()), psnr(attackers.size());
    std::vector<Series> references{{"prior (baseline)", {}, {}, {}}, {"mean (baseline)", {}, {}, {}},
                                   {"output floor", {}, {}, {}}};
    std::vector<double> latency, worst_high;
    int recommended = -1;
    double psnr_max = 10;
    for (size_t k = 0; k < cuts.size(); ++k) {
      const json& c = cuts[k];
      names.push_back(c.at("name").get<std::string>());
      if (doc.at("recommended_cut").is_string() && doc.at("recommended_cut").get<std::string>() == names.back())
        recommended = static_cast<int>(k);
      for (size_t i = 0; i < attackers.size(); ++i) {
        const json& a = c.at("attackers").at(i);
        ssim[i].label = psnr[i].label = attackers[i];
        for (auto [series, key] : {std::pair{&ssim[i], "ssim"}, std::pair{&psnr[i], "psnr"}}) {
          series->mean.push_back(a.at(key).at("mean").get<double>());
          series->low.push_back(a.at(key).at("low").get<double>());
          series->high.push_back(a.at(key).at("high").get<double>());
        }
        psnr_max = std::max(psnr_max, psnr[i].high.back());
      }
      for (size_t b = 0; b < 2; ++b) references[b].mean.push_back(c.at("baselines").at(b).at("ssim").at("mean").get<double>());
      references[2].mean.push_back(doc.at("floor").at("ssim").at("mean").get<double>());
      latency.push_back(c.at("latency").at("total_ms").get<double>());
      worst_high.push_back(c.at("worst_ssim").at("high").get<double>());
    }
    const fs::path figs = dir / "figures";
    plot_metric_vs_cut((figs / "ssim_vs_cut.png").string(), "Reconstruction SSIM per cut (higher = more leakage)", "SSIM",
                       names, ssim, 0, 1, threshold, references);
    plot_metric_vs_cut((figs / "psnr_vs_cut.png").string(), "Reconstruction PSNR per cut (higher = more leakage)",
                       "PSNR, dB", names, psnr, 0, std::ceil(psnr_max / 5) * 5, -1);
    const json& base = doc.at("latency_baselines");
    plot_privacy_vs_latency((figs / "privacy_vs_latency.png").string(), names, latency, worst_high, recommended, threshold,
                            base.at("full_tee_ms").get<double>(), base.at("no_tee_ms").get<double>());

    // Validation curves per cut (learned attackers, every restart).
    std::vector<fs::path> curve_plots;
    for (size_t k = 0; k < cuts.size(); ++k) {
      std::vector<Curve> curves;
      for (const auto& a : cuts[k].at("attackers"))
        for (size_t j = 0; j < a.at("seeds").size(); ++j) {
          const json& conv = a.at("seeds").at(j).at("convergence");
          Curve cv;
          cv.label = a.at("attacker").get<std::string>() + (a.at("seeds").size() > 1 ? " seed " + std::to_string(j + 1) : "");
          for (const auto& st : conv.at("steps")) cv.steps.push_back(st.get<double>());
          cv.values = conv.at("validation_ssim").get<std::vector<double>>();
          curves.push_back(std::move(cv));
        }
      if (curves.empty()) continue;
      curve_plots.push_back(figs / ("convergence_" + std::to_string(k) + "_" + file_stem(names[k]) + ".png"));
      plot_curves(curve_plots.back().string(), names[k], curves);
    }

    std::vector<fs::path> grids;
    auto originals = samples.find("originals");
    for (size_t k = 0; k < cuts.size() && originals != samples.end(); ++k) {
      auto rec = samples.find("cuts/" + std::to_string(k) + "/reconstructions");
      if (rec == samples.end()) continue;
      std::vector<std::string> labels{"original"};
      std::vector<Tensor> rows{originals->second};
      for (size_t i = 0; i < attackers.size() && static_cast<int64_t>(i) < rec->second.size(0); ++i) {
        labels.push_back(attackers[i]);
        Shape s(rec->second.shape().begin() + 1, rec->second.shape().end());
        rows.push_back(rec->second.slice(static_cast<int64_t>(i), static_cast<int64_t>(i) + 1).view(s));
      }
      grids.push_back(figs / ("reconstructions_" + std::to_string(k) + "_" + file_stem(names[k]) + ".png"));
      write_image_grid(grids.back().string(), labels, rows);
    }

    // The page.
    const json& v = doc.at("victim");
    std::ostringstream h;
    h << "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>splitleak: " << html_escape(doc.at("name").get<std::string>())
      << "</title>\n<style>body{font-family:sans-serif;max-width:1000px;margin:2em auto;color:#222}"
         "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}"
         "th{background:#f0f0f0}td.l,th.l{text-align:left}.unsafe{color:#b00}.safe{color:#070}.inconclusive{color:#b60}"
         "tr.baseline td{color:#777}img{max-width:100%}.small img{width:32%}"
         "</style></head><body>\n";
    h << "<h1>splitleak report: " << html_escape(doc.at("name").get<std::string>()) << "</h1>\n";
    h << decision_html(doc);
    h << "<h2>Victim</h2>\n<table><tr><th class=l>model</th><td class=l>" << html_escape(v.at("model").get<std::string>())
      << "</td></tr><tr><th class=l>input</th><td class=l>" << v.at("input_shape").dump() << "</td></tr>"
      << "<tr><th class=l>parameters</th><td class=l>" << v.at("parameters").get<int64_t>() << "</td></tr>"
      << "<tr><th class=l>FLOPs per image</th><td class=l>" << v.at("flops").get<int64_t>() << "</td></tr>"
      << "<tr><th class=l>accuracy</th><td class=l>"
      << (v.at("accuracy").is_null() ? std::string("not applicable (the images have no labels)")
                                     : fmt(v.at("accuracy").get<double>() * 100, "%.2f") + "% on " +
                                           std::to_string(v.at("test_images").get<int64_t>()) + " test images")
      << "</td></tr></table>\n";
    h << "<h2>Leakage per cut</h2>\n" << img(figs / "ssim_vs_cut.png", "SSIM per cut") << img(figs / "psnr_vs_cut.png", "PSNR per cut");
    h << leakage_table_html(cuts) << records_table_html(cuts);
    if (!curve_plots.empty()) {
      h << "<h3>Convergence</h3>\n<p>Validation SSIM of each learned attacker on its own 10% validation split; an attacker "
           "whose SSIM rose by more than " << fmt(doc.at("privacy").at("converged_delta").get<double>(), "%.3f")
        << " over its last fifth of steps is under-trained.</p>\n<div class=small>";
      for (const auto& plot : curve_plots) h << img(plot, plot.stem().string());
      h << "</div>\n";
    }
    h << defences_html(doc, figs);
    h << "<h2>Privacy against latency</h2>\n" << img(figs / "privacy_vs_latency.png", "privacy against latency");
    h << "<table><tr><th class=l>cut</th><th>TEE, ms</th><th>of which measured</th><th>of which modelled SGX</th>"
         "<th>transfer, ms</th><th>GPU, ms</th><th>total, ms</th><th>front FLOPs</th><th>back FLOPs</th></tr>\n";
    for (const auto& c : cuts) {
      const json& l = c.at("latency");
      h << "<tr><td class=l>" << html_escape(c.at("name").get<std::string>()) << "</td><td>" << fmt(l.at("tee_ms").get<double>())
        << "</td><td>" << fmt(l.at("tee").at("measured").at("total_ms").get<double>()) << "</td><td>"
        << fmt(l.at("tee").at("modelled").at("total_ms").get<double>()) << "</td><td>" << fmt(l.at("transfer_ms").get<double>(), "%.4f") << "</td><td>" << fmt(l.at("gpu_ms").get<double>())
        << "</td><td>" << fmt(l.at("total_ms").get<double>()) << "</td><td>" << c.at("front_flops").get<int64_t>() << "</td><td>"
        << c.at("back_flops").get<int64_t>() << "</td></tr>\n";
    }
    h << "</table><p>Whole model in the TEE: " << fmt(base.at("full_tee_ms").get<double>()) << " ms; no TEE: "
      << fmt(base.at("no_tee_ms").get<double>()) << " ms. TEE backend <code>" << html_escape(base.at("tee_backend").get<std::string>())
      << "</code>, GPU backend <code>" << html_escape(base.at("gpu_backend").get<std::string>()) << "</code>: "
      << html_escape(doc.at("gpu_runtime").at("note").get<std::string>()) << ".</p>\n";
    {
      const json& m = doc.at("tee_model");
      h << "<p>TEE time = measured (decrypt, compute, export, transport) + modelled SGX costs, preset <code>"
        << html_escape(m.at("preset").get<std::string>()) << "</code>: usable EPC " << fmt(m.at("epc_usable_mib").get<double>(), "%.0f")
        << " MiB, " << fmt(m.at("cpu_ghz").get<double>(), "%.1f") << " GHz, ECALL " << fmt(m.at("ecall_cycles").get<double>(), "%.0f")
        << " / OCALL " << fmt(m.at("ocall_cycles").get<double>(), "%.0f") << " cycles, " << fmt(m.at("page_swap_cycles").get<double>(), "%.0f")
        << " cycles per EPC page swapped, memory encryption x" << fmt(m.at("memory_encryption_factor").get<double>(), "%.2f")
        << " (sources: docs/tee.md).</p>\n";
    }
    if (!grids.empty()) {
      h << "<h2>Reconstructions</h2>\n";
      for (size_t k = 0; k < grids.size(); ++k) h << "<h3>" << html_escape(grids[k].stem().string()) << "</h3>\n" << img(grids[k], grids[k].stem().string());
    }
    h << "<h2>Settings</h2>\n<p>SSIM: " << html_escape(doc.at("privacy").at("ssim").get<std::string>()) << ". PSNR: "
      << html_escape(doc.at("privacy").at("psnr").get<std::string>()) << ".</p>\n";
    const fs::path resolved = dir / "config.resolved.yaml";
    if (fs::exists(resolved)) h << "<pre>" << html_escape(read_file(resolved.string())) << "</pre>\n";
    h << "<p>splitleak " << html_escape(doc.value("splitleak_version", "")) << "</p></body></html>\n";
    const std::string report = (dir / "report.html").string();
    write_file_atomically(report, h.str());
    return report;
  } catch (const json::exception& e) {
    throw Error(results_path.string() + ": malformed results: " + plain_message(e));
  }
}

}  // namespace splitleak::experiments
