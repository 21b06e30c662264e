#pragma once
// The report's plots (MathGL) and image grids (OpenCV), each written as a PNG. Internal to
// experiments/.
#include <string>
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

// One point per (cut, defence) pair: worst-case SSIM (upper bound) against `x` (latency or
// accuracy), labels beside the points, `chosen` (or -1) drawn larger, the threshold as a line.
void plot_pairs(const std::string& png, const std::string& title, const std::string& x_label,
                const std::vector<std::string>& labels, const std::vector<double>& x, const std::vector<double>& ssim_high,
                int chosen, double threshold);

// Rows of images (each (k, C, H, W) in [0, 1]) with a label at the left of each row.
void write_image_grid(const std::string& png, const std::vector<std::string>& row_labels,
                      const std::vector<Tensor>& rows);

}  // namespace splitleak::experiments
