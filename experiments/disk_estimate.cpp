#include "experiments/disk_estimate.h"

#include <sys/statvfs.h>

#include <algorithm>
#include <filesystem>

#include "core/error.h"
#include "core/memory.h"
#include "experiments/executor.h"

namespace splitleak::experiments {
namespace {

namespace fs = std::filesystem;

int64_t numel_of_row(const Shape& batch_shape) { return shape_numel(Shape(batch_shape.begin() + 1, batch_shape.end())); }

// Per-image metrics (SSIM, PSNR, MSE, label leakage, as doubles) of every item, and what the
// report, its figures and the logs take: a generous fixed part.
constexpr int64_t kResultsFixedBytes = int64_t{16} << 20;
constexpr int64_t kMetricBytesPerImage = 4 * 8;

}  // namespace

StateBytes state_bytes_of(const std::map<std::string, StepCost>& measured) {
  return [&measured](const AttackerConfig& a) {
    const auto found = measured.find(configuration_key(a));
    return found == measured.end() ? int64_t{0} : found->second.state_bytes;
  };
}

RunDisk estimate_run_disk(const ExperimentConfig& c, const victim::Graph& g, const std::vector<CutChoice>& cuts,
                          int64_t folder_images, const StateBytes& state_bytes, bool recompute) {
  RunDisk d;
  const int64_t rows = (recompute ? 0 : c.dataset.aux) + c.dataset.test, defences = static_cast<int64_t>(c.defences.size());
  const int output = static_cast<int>(g.nodes.size()) - 1;
  std::vector<std::pair<std::string, int64_t>> nodes;  // name, feature values per row
  for (const CutChoice& cut : cuts)
    for (int64_t k = 0; k < defences; ++k) nodes.emplace_back(cut.name, numel_of_row(g.nodes[cut.index].shape));
  if (cuts.empty() || cuts.back().index != output) nodes.emplace_back(g.nodes.back().name, numel_of_row(g.nodes.back().shape));
  int64_t restarts_state = 0, restarts = 0;
  for (const AttackerConfig& a : c.attackers) {
    restarts_state += a.seeds * state_bytes(a);
    restarts += a.seeds;
  }
  const int64_t image = numel_of_row(g.input().shape);
  for (const auto& [name, values] : nodes) {
    const int64_t bytes = rows * values * static_cast<int64_t>(sizeof(float));
    d.feature_cache += bytes;
    if (bytes > d.largest_node) {
      d.largest_node = bytes;
      d.largest_node_name = name;
    }
    d.checkpoints += restarts_state;
    d.reconstructions += restarts * std::min(kSampleImages, c.dataset.test) * image * static_cast<int64_t>(sizeof(float));
    d.results += restarts * c.dataset.test * kMetricBytesPerImage;
  }
  d.results += kResultsFixedBytes;
  if (c.dataset.kind == "folder") {
    const bool trains = (c.victim.train.enabled && c.victim.weights.empty()) || c.fine_tunes();
    const int64_t train = folder_images - folder_images / 5;  // the seeded 80/20 split
    const int64_t stored = trains ? train : c.dataset.aux_data == "disjoint" ? std::min(train, c.dataset.aux) : 0;
    d.image_stores = (stored + folder_images / 5) * image;
  }
  int64_t weights = 0;
  for (const auto& [name, t] : g.tensors) weights += t.numel() * static_cast<int64_t>(sizeof(float));
  int64_t victims = c.victim.train.enabled ? 1 : 0;
  for (const DefenceConfig& defence : c.defences)
    if (defence.spec.finetune > 0) victims += static_cast<int64_t>(cuts.size());
  d.victims = victims * 4 * weights;  // the weights and a training checkpoint with Adam's two moments
  return d;
}

bool recomputes_features(const ExperimentConfig& c, const victim::Graph& g, const std::vector<CutChoice>& cuts,
                         int64_t folder_images, const std::map<std::string, StepCost>& measured, const std::string& dir,
                         int64_t free_bytes) {
  switch (c.runtime.features) {
    case RuntimeConfig::Features::Cache: return false;
    case RuntimeConfig::Features::Recompute: return true;
    case RuntimeConfig::Features::Auto: break;
  }
  if (free_bytes < 0) return false;
  const RunDisk cached = estimate_run_disk(c, g, cuts, folder_images, state_bytes_of(measured));
  return cached.total() - bytes_under(dir) > free_bytes;
}

std::string disk_text(const RunDisk& d) {
  return bytes_text(d.total()) + " (feature cache " + bytes_text(d.feature_cache) +
         (d.largest_node > 0 ? ", the largest node " + d.largest_node_name + " " + bytes_text(d.largest_node) : "") +
         "; image stores " + bytes_text(d.image_stores) + "; checkpoints " + bytes_text(d.checkpoints) +
         "; reconstructions " + bytes_text(d.reconstructions) + "; victims " + bytes_text(d.victims) + "; results " +
         bytes_text(d.results) + ")";
}

int64_t free_disk_bytes(const std::string& path) {
  fs::path at = fs::absolute(fs::path(path));
  std::error_code ec;
  while (!fs::exists(at, ec) && at.has_parent_path() && at != at.parent_path()) at = at.parent_path();
  struct statvfs st {};
  if (::statvfs(at.c_str(), &st) != 0) return -1;
  return static_cast<int64_t>(st.f_bavail) * static_cast<int64_t>(st.f_frsize);
}

int64_t bytes_under(const std::string& dir) {
  std::error_code ec;
  int64_t total = 0;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code size_error;
    if (it->is_regular_file(size_error)) total += static_cast<int64_t>(it->file_size(size_error));
  }
  return total;
}

void check_run_disk(const RunDisk& d, const std::string& dir, int64_t free_bytes, const std::string& where) {
  if (free_bytes < 0) return;
  const int64_t written = bytes_under(dir), still = std::max<int64_t>(0, d.total() - written);
  if (still <= free_bytes) return;
  throw Error(where + ": the run needs about " + disk_text(d) + (written > 0 ? ", " + bytes_text(written) + " written already" : "") +
              " on the file system of " + shown(dir, 200) + ", which has " + bytes_text(free_bytes) +
              " free; free space, choose another --out, or lower dataset.aux, the cuts or the attackers' widths");
}

}  // namespace splitleak::experiments
