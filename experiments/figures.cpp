#include "experiments/figures.h"

#include <mgl2/mgl.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "core/atomic_file.h"
#include "core/error.h"

namespace splitleak::experiments {
namespace {

const char* kColours[] = {"b", "r", "g", "m", "c", "h"};  // MathGL colour ids, per series
const char* kBands[] = {"{b9}", "{r9}", "{g9}", "{m9}", "{c9}", "{h9}"};
const char* kReferenceColours[] = {"G", "M", "q"};  // dark green, dark magenta, orange: dashed reference lines

mglData to_mgl(const std::vector<double>& v) {
  mglData d(static_cast<long>(v.size()));
  for (size_t i = 0; i < v.size(); ++i) d.a[i] = v[i];
  return d;
}

// MathGL reads text as TeX: '_' and '^' would start sub- and superscripts.
std::string tex(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '_' || c == '^' || c == '\\' || c == '{' || c == '}') out += '\\';
    out += c;
  }
  return out;
}

std::string tick_labels(const std::vector<std::string>& cuts) {
  std::string out;
  for (const auto& c : cuts) {
    if (!out.empty()) out.push_back('\n');
    out.append(tex(c));
  }
  return out;
}

// Written beside `png` and renamed over it (core/atomic_file.h), as every output is.
void write_png(mglGraph& gr, const std::string& png) {
  AtomicOutput out(png);
  gr.WritePNG(out.temporary().c_str(), "", false);
  std::error_code ec;
  check(std::filesystem::file_size(out.temporary(), ec) > 0 && !ec, png + ": the figure could not be written");
  out.commit();
}

}  // namespace

void plot_metric_vs_cut(const std::string& png, const std::string& title, const std::string& y_label,
                        const std::vector<std::string>& cuts, const std::vector<Series>& series, double y_min,
                        double y_max, double threshold, const std::vector<Series>& references) {
  const int n = static_cast<int>(cuts.size());
  mglGraph gr(0, 960, 520);
  gr.SetFontSize(3.0);
  gr.SetRanges(-0.5, n - 0.5, y_min, y_max);
  gr.Title(title.c_str());
  std::vector<double> xs(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) xs[static_cast<size_t>(i)] = i;
  const mglData x = to_mgl(xs);
  for (size_t s = 0; s < series.size(); ++s) {
    gr.Region(x, to_mgl(series[s].low), to_mgl(series[s].high), kBands[s % 6]);
  }
  for (size_t s = 0; s < series.size(); ++s) {
    const std::string style = std::string(kColours[s % 6]) + "-o";
    gr.Plot(x, to_mgl(series[s].mean), style.c_str());
    gr.AddLegend(tex(series[s].label).c_str(), style.c_str());
  }
  for (size_t s = 0; s < references.size(); ++s) {
    const std::string style = std::string(kReferenceColours[s % 3]) + ";2";
    gr.Plot(x, to_mgl(references[s].mean), style.c_str());
    gr.AddLegend(tex(references[s].label).c_str(), style.c_str());
  }
  if (threshold >= 0) {
    gr.Line(mglPoint(-0.5, threshold), mglPoint(n - 0.5, threshold), "k|");
    gr.AddLegend(("threshold " + std::to_string(threshold).substr(0, 4)).c_str(), "k|");
  }
  gr.SetTicksVal('x', x, tick_labels(cuts).c_str());
  gr.Axis();
  gr.Label('y', y_label.c_str(), 0);
  gr.Legend(3, "#");
  write_png(gr, png);
}

void plot_curves(const std::string& png, const std::string& title, const std::vector<Curve>& curves) {
  double x_max = 1, y_min = 1, y_max = 0;
  for (const auto& c : curves) {
    for (double v : c.steps) x_max = std::max(x_max, v);
    for (double v : c.values) y_min = std::min(y_min, v), y_max = std::max(y_max, v);
  }
  if (y_min > y_max) y_min = 0, y_max = 1;
  const double pad = std::max(0.02, (y_max - y_min) * 0.1);
  mglGraph gr(0, 480, 300);
  gr.SetFontSize(3.5);
  gr.SetRanges(0, x_max, std::max(0.0, y_min - pad), std::min(1.0, y_max + pad));
  gr.Title(tex(title).c_str());
  for (size_t i = 0; i < curves.size(); ++i) {
    const std::string style = std::string(kColours[i % 6]) + "-o";
    gr.Plot(to_mgl(curves[i].steps), to_mgl(curves[i].values), style.c_str());
    gr.AddLegend(tex(curves[i].label).c_str(), style.c_str());
  }
  gr.Axis();
  gr.Label('x', "step", 0);
  gr.Label('y', "validation SSIM", 0);
  gr.Legend(4, "#");
  write_png(gr, png);
}

void plot_privacy_vs_latency(const std::string& png, const std::vector<std::string>& cuts,
                             const std::vector<double>& latency_ms, const std::vector<double>& ssim_high,
                             int recommended, double threshold, double full_tee_ms, double no_tee_ms) {
  double x_max = std::max(full_tee_ms, no_tee_ms);
  for (double v : latency_ms) x_max = std::max(x_max, v);
  x_max = x_max > 0 ? x_max * 1.15 : 1;
  mglGraph gr(0, 960, 520);
  gr.SetFontSize(3.0);
  gr.SetRanges(0, x_max, 0, 1);
  gr.Title("Privacy against latency per cut");
  gr.Plot(to_mgl(latency_ms), to_mgl(ssim_high), " bo");
  for (size_t i = 0; i < cuts.size(); ++i)
    gr.Puts(mglPoint(latency_ms[i], ssim_high[i] + 0.03), tex(cuts[i]).c_str(), ":C", 2.5);
  if (recommended >= 0) {
    const auto r = static_cast<size_t>(recommended);
    gr.Mark(mglPoint(latency_ms[r], ssim_high[r]), "r*");
    gr.AddLegend(("recommended: " + tex(cuts[r])).c_str(), "r*");
  }
  gr.Line(mglPoint(0, threshold), mglPoint(x_max, threshold), "k|");
  gr.AddLegend("SSIM threshold", "k|");
  gr.Line(mglPoint(full_tee_ms, 0), mglPoint(full_tee_ms, 1), "m;");
  gr.AddLegend("whole model in the TEE", "m;");
  gr.Line(mglPoint(no_tee_ms, 0), mglPoint(no_tee_ms, 1), "g;");
  gr.AddLegend("no TEE", "g;");
  gr.Axis();
  gr.Label('x', "latency of the split, ms", 0);
  gr.Label('y', "worst-case SSIM (upper 95% bound)", 0);
  gr.Legend(3, "#");
  write_png(gr, png);
}

void plot_pairs(const std::string& png, const PairPlot& plot) {
  check(!plot.series.empty(), png + ": no pairs to plot");
  std::vector<double> all_x, all_y{plot.limit};
  for (const auto& s : plot.series) {
    check(!s.x.empty() && s.x.size() == s.y.size() && s.x.size() == s.cuts.size(), png + ": malformed series " + s.label);
    all_x.insert(all_x.end(), s.x.begin(), s.x.end());
    all_y.insert(all_y.end(), s.y.begin(), s.y.end());
  }
  const auto [x_min, x_max] = std::minmax_element(all_x.begin(), all_x.end());
  const auto [y_min, y_max] = std::minmax_element(all_y.begin(), all_y.end());
  const double pad = *x_max > *x_min ? (*x_max - *x_min) * 0.12 : std::max(std::abs(*x_max) * 0.1, 1e-3);
  const double x0 = *x_min - pad, x1 = *x_max + pad + (*x_max - *x_min + 2 * pad) * 0.5;  // room for the legend
  mglGraph gr(0, 960, 560);
  gr.SetFontSize(3.0);
  gr.SetRanges(x0, x1, std::min(plot.y_floor, *y_min - 0.05), std::max(plot.y_ceiling, *y_max + 0.1));
  gr.Title(tex(plot.title).c_str());
  for (size_t i = 0; i < plot.series.size(); ++i) {
    const PairSeries& s = plot.series[i];
    const std::string style = std::string(" ") + kColours[i % 6] + (i < 6 ? "o" : "s");
    gr.Plot(to_mgl(s.x), to_mgl(s.y), style.c_str());
    gr.AddLegend(tex(s.label).c_str(), style.c_str());
    for (size_t k = 0; k < s.cuts.size(); ++k)  // cut names, alternating above and below the point
      gr.Puts(mglPoint(s.x[k], s.y[k] + ((i + k) % 2 ? -0.035 : 0.025)), tex(s.cuts[k]).c_str(), ":C", 1.6);
  }
  if (plot.chosen) {
    const PairSeries& s = plot.series.at(plot.chosen->first);
    const size_t k = plot.chosen->second;
    gr.Mark(mglPoint(s.x.at(k), s.y.at(k)), "r*");
    gr.AddLegend(("chosen: " + tex(s.cuts[k] + " | " + s.label)).c_str(), "r*");
  }
  gr.Line(mglPoint(x0, plot.limit), mglPoint(x1, plot.limit), "k|");
  gr.AddLegend(tex(plot.limit_label).c_str(), "k|");
  gr.Axis();
  gr.Label('x', tex(plot.x_label).c_str(), 0);
  gr.Label('y', tex(plot.y_label).c_str(), 0);
  gr.Legend(3, "#");
  write_png(gr, png);
}

void write_image_grid(const std::string& png, const std::vector<std::string>& row_labels, const std::vector<Tensor>& rows) {
  check(!rows.empty() && rows.size() == row_labels.size(), png + ": no images for the grid");
  const int64_t c = rows[0].size(1), h = rows[0].size(2), w = rows[0].size(3);
  const int scale = static_cast<int>(std::max<int64_t>(1, 96 / std::max(h, w)));
  const int cell_h = static_cast<int>(h) * scale, cell_w = static_cast<int>(w) * scale, pad = 4, label_w = 150;
  int64_t cols = 0;
  for (const auto& r : rows) cols = std::max(cols, r.size(0));
  cv::Mat canvas(static_cast<int>(rows.size()) * (cell_h + pad) + pad, label_w + static_cast<int>(cols) * (cell_w + pad),
                 CV_8UC3, cv::Scalar(255, 255, 255));
  for (size_t r = 0; r < rows.size(); ++r) {
    const int y0 = pad + static_cast<int>(r) * (cell_h + pad);
    cv::putText(canvas, row_labels[r], {6, y0 + cell_h / 2 + 5}, cv::FONT_HERSHEY_SIMPLEX, 0.5, cv::Scalar(0, 0, 0), 1,
                cv::LINE_AA);
    for (int64_t i = 0; i < rows[r].size(0); ++i) {
      cv::Mat img(static_cast<int>(h), static_cast<int>(w), CV_8UC3);
      const float* p = rows[r].data() + i * c * h * w;
      for (int64_t y = 0; y < h; ++y)
        for (int64_t x = 0; x < w; ++x)
          for (int ch = 0; ch < 3; ++ch) {
            const int64_t src = c == 1 ? 0 : 2 - ch;  // tensors are RGB, OpenCV BGR
            const float v = std::clamp(p[(src * h + y) * w + x], 0.0f, 1.0f);
            img.at<cv::Vec3b>(static_cast<int>(y), static_cast<int>(x))[ch] = static_cast<uint8_t>(std::lround(v * 255));
          }
      cv::Mat big;
      cv::resize(img, big, {cell_w, cell_h}, 0, 0, cv::INTER_NEAREST);
      big.copyTo(canvas(cv::Rect(label_w + static_cast<int>(i) * (cell_w + pad), y0, cell_w, cell_h)));
    }
  }
  std::vector<uchar> bytes;
  check(cv::imencode(".png", canvas, bytes), png + ": cannot encode the image grid");
  write_file_atomically(png, std::string(bytes.begin(), bytes.end()));
}

}  // namespace splitleak::experiments
