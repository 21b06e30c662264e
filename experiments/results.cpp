#include "experiments/results.h"

#include <nlohmann/json.hpp>

#include <sstream>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/hdf5_io.h"

namespace splitleak::experiments {
namespace {



using json = nlohmann::ordered_json;

json tee_cost_json(const tee::TeeCost& c) {
  return {{"measured",
           {{"decrypt_ms", c.measured.decrypt_ms},
            {"compute_ms", c.measured.compute_ms},
            {"export_ms", c.measured.export_ms},
            {"transport_ms", c.measured.transport_ms},
            {"total_ms", c.measured_ms()}}},
          {"modelled",
           {{"transition_ms", c.transition_ms},
            {"paging_ms", c.paging_ms},
            {"memory_encryption_ms", c.memory_encryption_ms},
            {"total_ms", c.modelled_ms()},
            {"working_set_bytes", c.working_set_bytes},
            {"epc_bytes", c.epc_bytes},
            {"pages_swapped", c.pages_swapped}}}};
}

json interval(const attack::Interval& i) { return {{"mean", i.mean}, {"low", i.low}, {"high", i.high}}; }

json shape_json(const Shape& s) { return json(std::vector<int64_t>(s.begin(), s.end())); }

json cut_json(const CutResult& c, const RunResults& r) {
  json attackers = json::array();
  for (size_t i = 0; i < c.verdict.attackers.size(); ++i) {
    const attack::AttackerScores& a = c.verdict.attackers[i];
    attackers.push_back({{"attacker", a.attacker},
                         {"index", i},
                         {"ssim", interval(a.ssim_mean)},
                         {"psnr", interval(a.psnr_mean)},
                         {"mse", interval(a.mse_mean)},
                         {"label_leakage", interval(a.label_leak_mean)},
                         {"train_seconds", a.train_seconds}});
  }
  const attack::AttackerScores& worst = c.verdict.attackers.at(c.verdict.worst);
  return {{"name", c.name},
          {"index", c.index},
          {"feature_shape", shape_json(c.feature_shape)},
          {"feature_bytes", c.feature_bytes},
          {"front_flops", c.front_flops},
          {"back_flops", c.back_flops},
          {"front_weight_bytes", c.front_weight_bytes},
          {"attackers", attackers},
          {"worst_attacker", worst.attacker},
          {"worst_ssim", interval(worst.ssim_mean)},
          {"safe", c.verdict.safe},
          {"latency",
           {{"tee_backend", c.latency.tee_backend},
            {"gpu_backend", c.latency.gpu_backend},
            {"batch", r.config.runtime.latency_batch},
            {"tee_ms", c.latency.tee_ms},
            {"tee", tee_cost_json(c.latency.tee)},
            {"transfer_ms", c.latency.transfer_ms},
            {"gpu_ms", c.latency.gpu_ms},
            {"total_ms", c.latency.total_ms()}}}};
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char ch : s) out += ch == '"' ? std::string("\"\"") : std::string(1, ch);
  return out + "\"";
}

}  // namespace

void write_results_json(const RunResults& r, const std::string& path) {
  json cuts = json::array();
  for (const auto& c : r.cuts) cuts.push_back(cut_json(c, r));
  const ExperimentConfig& cfg = r.config;
  json doc = {
      {"schema", kResultsSchema},
      {"name", cfg.name},
      {"splitleak_version", r.version},
      {"victim",
       {{"model", r.victim.model},
        {"input_shape", shape_json(r.victim.input_shape)},
        {"parameters", r.victim.parameters},
        {"flops", r.victim.flops},
        {"accuracy", r.victim.accuracy},
        {"test_images", r.victim.test_images}}},
      {"dataset",
       {{"spec", cfg.dataset.spec()},
        {"aux", cfg.dataset.aux},
        {"test", cfg.dataset.test},
        {"aux_data", cfg.dataset.aux_data}}},
      {"privacy",
       {{"metric", cfg.privacy.metric},
        {"threshold", cfg.privacy.threshold},
        {"confidence", cfg.privacy.confidence},
        {"ssim", "scikit-image structural_similarity(gaussian_weights=True, sigma=1.5, "
                 "use_sample_covariance=False, data_range=1), channel mean"},
        {"psnr", "10 log10(1 / MSE), identical images counted as 100 dB"},
        {"safe_when", "upper bound of the worst attacker's mean SSIM <= threshold"}}},
      {"cuts", cuts},
      {"recommended_cut", r.recommended ? json(r.cuts[*r.recommended].name) : json(nullptr)},
      {"baselines",
       {{"full_tee_ms", r.full_tee_ms},
        {"full_tee", tee_cost_json(r.full_tee)},
        {"no_tee_ms", r.no_tee_ms},
        {"tee_backend", cfg.runtime.tee_backend},
        {"gpu_backend", r.gpu_backend.empty() ? cfg.runtime.gpu_backend : r.gpu_backend}}},
      {"gpu_runtime",
       {{"backend", cfg.runtime.gpu_backend},
        {"device", cfg.runtime.gpu_device},
        {"model", cfg.runtime.gpu_model.name},
        {"peak_tflops", cfg.runtime.gpu_model.peak_tflops},
        {"memory_gb_per_s", cfg.runtime.gpu_model.memory_gb_per_s},
        {"compute_efficiency", cfg.runtime.gpu_model.compute_efficiency},
        {"memory_efficiency", cfg.runtime.gpu_model.memory_efficiency},
        {"launch_us", cfg.runtime.gpu_model.launch_us},
        {"note", cfg.runtime.gpu_backend == "model"
                     ? "GPU times are the roofline model's estimates (docs/gpu.md), not measurements"
                     : cfg.runtime.gpu_backend == "opencl" ? "GPU times are OpenCL profiling measurements on the device"
                                                           : "GPU times are the CPU engine's, standing in for a GPU"}}},
      {"tee_model",
       {{"kind", "SGX cost model: measured decrypt/compute/export/transport plus modelled transitions, EPC paging "
                 "and memory encryption (docs/tee.md)"},
        {"preset", cfg.runtime.sgx_preset},
        {"epc_usable_mib", cfg.runtime.sgx.epc_usable_mib},
        {"cpu_ghz", cfg.runtime.sgx.cpu_ghz},
        {"ecall_cycles", cfg.runtime.sgx.ecall_cycles},
        {"ocall_cycles", cfg.runtime.sgx.ocall_cycles},
        {"page_swap_cycles", cfg.runtime.sgx.page_swap_cycles},
        {"memory_encryption_factor", cfg.runtime.sgx.memory_encryption_factor},
        {"ecalls_per_run", cfg.runtime.sgx.ecalls_per_run},
        {"ocalls_per_run", cfg.runtime.sgx.ocalls_per_run}}},
      {"environment", {{"threads", r.threads}, {"seed", cfg.seed}}},
  };
  write_file_atomically(path, doc.dump(2) + "\n");
}

void write_results_csv(const RunResults& r, const std::string& path) {
  std::ostringstream out;
  out.precision(9);
  out << "cut,cut_index,feature_shape,attacker,ssim,ssim_low,ssim_high,psnr,psnr_low,psnr_high,mse,label_leakage,"
         "train_seconds,worst,safe,tee_ms,transfer_ms,gpu_ms\n";
  for (const auto& c : r.cuts)
    for (size_t i = 0; i < c.verdict.attackers.size(); ++i) {
      const attack::AttackerScores& a = c.verdict.attackers[i];
      out << csv_field(c.name) << ',' << c.index << ',' << csv_field(shape_str(c.feature_shape)) << ','
          << csv_field(a.attacker) << ',' << a.ssim_mean.mean << ',' << a.ssim_mean.low << ',' << a.ssim_mean.high << ','
          << a.psnr_mean.mean << ',' << a.psnr_mean.low << ',' << a.psnr_mean.high << ',' << a.mse_mean.mean << ','
          << a.label_leak_mean.mean << ',' << a.train_seconds << ',' << (i == c.verdict.worst ? 1 : 0) << ','
          << (c.verdict.safe ? 1 : 0) << ',' << c.latency.tee_ms << ',' << c.latency.transfer_ms << ','
          << c.latency.gpu_ms << '\n';
    }
  write_file_atomically(path, out.str());
}

void write_results_h5(const RunResults& r, const std::string& path) {
  nn::NamedTensors all;
  auto vec = [](const std::vector<double>& v) {
    Tensor t = Tensor::empty({static_cast<int64_t>(v.size())});
    for (size_t i = 0; i < v.size(); ++i) t.data()[i] = static_cast<float>(v[i]);
    return t;
  };
  if (r.originals_sample.defined()) all.emplace_back("originals", r.originals_sample);
  // Cuts by position (names may hold '/'), attackers by position and kind.
  for (size_t k = 0; k < r.cuts.size(); ++k) {
    const CutResult& c = r.cuts[k];
    for (size_t i = 0; i < c.verdict.attackers.size(); ++i) {
      const attack::AttackerScores& a = c.verdict.attackers[i];
      const std::string prefix = "cuts/" + std::to_string(k) + "/" + std::to_string(i) + "_" + a.attacker + "/";
      all.emplace_back(prefix + "ssim", vec(a.ssim));
      all.emplace_back(prefix + "psnr", vec(a.psnr));
      all.emplace_back(prefix + "mse", vec(a.mse));
      all.emplace_back(prefix + "label_leak", vec(a.label_leak));
    }
    if (c.reconstructions_sample.defined())
      all.emplace_back("cuts/" + std::to_string(k) + "/reconstructions", c.reconstructions_sample);
  }
  h5::write_tensors(path, all, {{"format", kResultsSchema}, {"name", r.config.name}});
}

}  // namespace splitleak::experiments
