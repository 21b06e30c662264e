#include "experiments/pair_store.h"

#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "core/input_file.h"
#include "core/error.h"
#include "core/hdf5_io.h"

namespace splitleak::experiments {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

json curve_json(const attack::Convergence& c) {
  return {{"steps", c.steps}, {"ssim", c.ssim}, {"flat_steps", c.flat_steps}};
}

attack::Convergence curve_from(const json& j) {
  attack::Convergence c;
  c.steps = j.at("steps").get<std::vector<int64_t>>(), c.ssim = j.at("ssim").get<std::vector<double>>();
  c.flat_steps = j.value("flat_steps", std::vector<int64_t>{});
  check(c.steps.size() == c.ssim.size(), "a validation curve with unequal steps and values");
  return c;
}

}  // namespace

PairFiles pair_files(const fs::path& dir, const std::string& stem) {
  return {dir / "partial" / (stem + ".json"), dir / "partial" / (stem + ".h5"), dir / "checkpoints" / (stem + ".h5"),
          dir / "checkpoints" / (stem + ".curve.json")};
}

void save_seed(const PairFiles& f, const SeedRun& r, const Tensor& sample) {
  const attack::AttackerScores& s = r.scores;
  json j = {{"attacker", s.attacker}, {"ssim", s.ssim},         {"psnr", s.psnr},
            {"mse", s.mse},           {"label_leak", s.label_leak}, {"train_seconds", s.train_seconds},
            {"learns", r.learned},    {"validation", curve_json(r.curve)}};
  if (s.has_records())
    j["records"] = {{"mae", s.record_mae}, {"accuracy", s.record_accuracy}, {"column_mae", s.column_mae}};
  try {
    h5::write_tensors(f.sample.string(), {{"reconstructions", sample}}, {});
    write_file_atomically(f.scores.string(), j.dump() + "\n");
  } catch (const Error& e) {  // the run directory's own files: this pair failed, not the user's input
    throw Error(e.what(), Error::Kind::Failure);
  }
}

std::optional<SeedRun> load_seed(const PairFiles& f, const std::string& kind, const std::shared_ptr<spdlog::logger>& log) {
  if (!fs::exists(f.scores) || !fs::exists(f.sample)) return std::nullopt;
  try {
    const json j = json::parse(read_file(f.scores.string()));
    SeedRun r;
    attack::AttackerScores& s = r.scores;
    s.attacker = j.at("attacker").get<std::string>();
    check(s.attacker == kind, "another attacker's scores");
    s.ssim = j.at("ssim").get<std::vector<double>>(), s.psnr = j.at("psnr").get<std::vector<double>>();
    s.mse = j.at("mse").get<std::vector<double>>(), s.label_leak = j.at("label_leak").get<std::vector<double>>();
    s.train_seconds = j.at("train_seconds").get<double>();
    r.learned = j.at("learns").get<bool>();
    r.curve = curve_from(j.at("validation"));
    if (j.contains("records")) {
      const json& records = j.at("records");
      records.at("mae").get_to(s.record_mae), records.at("accuracy").get_to(s.record_accuracy);
      records.at("column_mae").get_to(s.column_mae);
      check(s.record_mae.size() == s.ssim.size() && s.record_accuracy.size() == s.ssim.size(),
            "record scores for another number of records");
    }
    h5::read_tensor(f.sample.string(), "reconstructions");
    return r;
  } catch (const std::exception& e) {
    log->warn("{}: unreadable ({}); the pair is redone", f.scores.string(), e.what());
    return std::nullopt;
  }
}

attack::Convergence load_curve(const fs::path& path) {
  if (!fs::exists(path)) return {};
  try {
    return curve_from(json::parse(read_file(path.string())));
  } catch (const std::exception&) {
    return {};
  }
}

void add_point(attack::Convergence& c, int64_t step, double ssim) {
  while (!c.steps.empty() && c.steps.back() >= step) c.steps.pop_back(), c.ssim.pop_back();
  c.steps.push_back(step), c.ssim.push_back(ssim);
}

void save_curve(const fs::path& path, const attack::Convergence& curve) {
  write_file_atomically(path.string(), curve_json(curve).dump() + "\n");
}

}  // namespace splitleak::experiments
