#include "experiments/memory_estimate.h"

#include <algorithm>
#include <map>

#include "core/autograd.h"
#include "core/error.h"
#include "core/input_file.h"
#include "core/memory.h"
#include "core/random.h"
#include "experiments/attacker_cost.h"
#include "victim/execute.h"
#include "victim/partition.h"

namespace splitleak::experiments {
namespace {

constexpr int64_t kExtractionRows = 128;  // the feature cache's batch (runner.cpp)

int64_t row_bytes(const Shape& batch_shape) {
  return shape_numel(Shape(batch_shape.begin() + 1, batch_shape.end())) * static_cast<int64_t>(sizeof(float));
}

// Lines of a text file, counted a block at a time (0 when it cannot be read: the run names why).
int64_t line_count(const std::string& path) {
  try {
    const InputFile in(path);
    constexpr uint64_t kBlock = uint64_t{1} << 20;
    int64_t lines = 0;
    for (uint64_t at = 0; at < in.size(); at += kBlock) {
      const std::string block = in.read(at, std::min(kBlock, in.size() - at));
      lines += std::count(block.begin(), block.end(), '\n');
    }
    return lines;
  } catch (const Error&) {
    return 0;
  }
}

int64_t dataset_bytes(const ExperimentConfig& c, int64_t image_bytes) {
  if (c.dataset.kind == "fashion-mnist") return 70'000 * image_bytes;
  if (c.dataset.kind == "ton-iot") return line_count(c.dataset.path) * image_bytes;
  return 2 * (c.runtime.data_in_memory_mib << 20);  // the training and the held-out store
}

// Peak bytes of a whole-model forward without gradients over kExtractionRows rows: measured at
// 1 and 2 rows, extrapolated (a fixed part plus a part per row).
int64_t extraction_bytes(const victim::Graph& g) {
  autograd::NoGradGuard no_grad;
  Generator gen(1);
  const auto peak_at = [&](int64_t rows) {
    Shape shape = g.input().shape;
    shape[0] = rows;
    Tensor x = Tensor::empty(shape);
    init::uniform_(x, 0, 1, gen);
    const int64_t base = live_tensor_bytes();
    reset_tensor_peak();
    victim::run(g, x);
    return peak_tensor_bytes() - base + x.numel() * static_cast<int64_t>(sizeof(float));
  };
  const double one = static_cast<double>(peak_at(1)), two = static_cast<double>(peak_at(2));
  return static_cast<int64_t>(extrapolate(one, two, kExtractionRows));
}

}  // namespace

RunMemory data_and_model_memory(const ExperimentConfig& c, const victim::Graph& g, const std::vector<CutChoice>& cuts) {
  RunMemory m;
  for (const auto& [name, t] : g.tensors) m.victim += t.numel() * static_cast<int64_t>(sizeof(float));
  m.extraction = extraction_bytes(g);
  const int64_t image = row_bytes(g.input().shape);
  int64_t feature = row_bytes(g.nodes.back().shape);
  for (const CutChoice& cut : cuts) feature = std::max(feature, row_bytes(g.nodes[cut.index].shape));
  m.dataset = dataset_bytes(c, image);
  m.held_out = c.dataset.test * (2 * image + feature);
  m.aux_features = std::min(c.dataset.aux * feature, c.runtime.data_in_memory_mib << 20);
  return m;
}

std::map<std::string, StepCost> measure_configurations(const ExperimentConfig& c, const victim::Graph& g,
                                                       const std::vector<CutChoice>& cuts) {
  std::map<std::string, StepCost> measured;
  if (cuts.empty()) return measured;
  const victim::Partition p = victim::partition(g, cuts.front().name);
  const Shape feature(g.nodes[cuts.front().index].shape.begin() + 1, g.nodes[cuts.front().index].shape.end());
  const Shape image(g.input().shape.begin() + 1, g.input().shape.end());
  Generator gen(1);
  for (const auto& a : c.attackers) {
    const std::string key = configuration_key(a);
    if (!measured.count(key))
      measured[key] = measure_attacker(a, c, p, feature, image, reconstruction_iterations(a, c.dataset.test), gen);
  }
  return measured;
}

RunMemory estimate_run_memory(const ExperimentConfig& c, const victim::Graph& g, const std::vector<CutChoice>& cuts,
                              const std::map<std::string, StepCost>& measured) {
  RunMemory m = data_and_model_memory(c, g, cuts);
  for (const auto& [key, cost] : measured) m.attacker = std::max(m.attacker, cost.peak_bytes);
  return m;
}

std::string memory_text(const RunMemory& m, int64_t available) {
  std::string text = (m.attacker_partial ? "at least " : "") + bytes_text(m.total()) + " at the peak (attacker step " +
                     bytes_text(m.attacker) + ", data set " + bytes_text(m.dataset) + ", held-out set " +
                     bytes_text(m.held_out) + ", auxiliary features " + bytes_text(m.aux_features) + ", victim " +
                     bytes_text(m.victim) + ", feature extraction " + bytes_text(m.extraction) + ")";
  return text + (available >= 0 ? ", " + bytes_text(available) + " available" : ", available memory unknown");
}

void check_run_memory(const RunMemory& m, const std::string& where) {
  const int64_t available = available_memory_bytes();
  if (available < 0 || m.total() <= available) return;
  throw Error(where + ": the run needs about " + memory_text(m, available) +
              "; lower dataset.test, runtime.data_in_memory_mib, an attacker's batch_size or its widths");
}

}  // namespace splitleak::experiments
