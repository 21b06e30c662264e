#pragma once
// The report's plots (MathGL) and image grids (OpenCV), each written as a PNG. Internal to
// experiments/.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/tensor.h"

namespace splitleak::experiments {

struct Series {
  std::string label;
  std::vector<double> mean, low, high;  // one per x position
};

// A metric per cut: one line per series with its interval band; `references` (baselines, the
// output floor) as dashed lines of their means, without bands; `threshold` < 0: no line.
void plot_metric_vs_cut(const std::string& png, const std::string& title, const std::string& y_label,
                        const std::vector<std::string>& cuts, const std::vector<Series>& series, double y_min,
                        double y_max, double threshold, const std::vector<Series>& references = {});

struct Curve {
  std::string label;
  std::vector<double> steps, values;
};

// Validation curves of one cut's learned attackers (SSIM against training steps), small.
void plot_curves(const std::string& png, const std::string& title, const std::vector<Curve>& curves);

// Worst-case SSIM (upper bound) against latency per cut, names beside the points, `recommended`
// (or -1) drawn larger; the full-TEE and no-TEE latencies as vertical lines.
void plot_privacy_vs_latency(const std::string& png, const std::vector<std::string>& cuts,
                             const std::vector<double>& latency_ms, const std::vector<double>& ssim_high,
                             int recommended, double threshold, double full_tee_ms, double no_tee_ms);

// One defence's pairs: a point per cut.
struct PairSeries {
  std::string label;              // the defence
  std::vector<std::string> cuts;  // written beside the points
  std::vector<double> x, y;
};

// Every (cut, defence) pair as a point of the deciding rule's bound (`y`) against latency or
// accuracy (`x`), a series per defence, the chosen pair (series, point) starred, the rule's limit
// as a line.
struct PairPlot {
  std::string title, x_label, y_label, limit_label;
  std::vector<PairSeries> series;
  std::optional<std::pair<size_t, size_t>> chosen;
  double limit = 0;
  double y_floor = 0, y_ceiling = 1;  // the y range covers at least these and every point
};
void plot_pairs(const std::string& png, const PairPlot& plot);

// Rows of images (each (k, C, H, W) in [0, 1]) with a label at the left of each row.
void write_image_grid(const std::string& png, const std::vector<std::string>& row_labels,
                      const std::vector<Tensor>& rows);

}  // namespace splitleak::experiments
