#include "experiments/results.h"

#include <nlohmann/json.hpp>

#include <cmath>
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
            {"pages_swapped", c.pages_swapped},
            {"sync_ocalls", c.sync_ocalls}}}};
}

json interval(const attack::Interval& i) { return {{"mean", i.mean}, {"low", i.low}, {"high", i.high}}; }

json shape_json(const Shape& s) { return json(std::vector<int64_t>(s.begin(), s.end())); }

json tail_json(const attack::AttackerScores& a) {
  return {{"ssim_above", a.tail_ssim}, {"fraction", interval(a.tail)}};
}

json convergence_json(const attack::Convergence& c) {
  return {{"steps", c.steps},
          {"validation_ssim", c.ssim},
          {"rise", c.rise},
          {"under_trained", c.under_trained},
          {"steps_trained", c.steps.empty() ? int64_t{0} : c.steps.back()},
          {"flat_steps", c.flat_steps}};
}

// One attacker's (or baseline's) figures; `judged`: the paired excess over the floor is filled.
json attacker_json(const attack::AttackerScores& a, bool judged) {
  json j = {{"attacker", a.attacker},
            {"ssim", interval(a.ssim_mean)},
            {"psnr", interval(a.psnr_mean)},
            {"mse", interval(a.mse_mean)},
            {"label_leakage", interval(a.label_leak_mean)},
            {"tail", tail_json(a)}};
  if (judged) j["beyond_floor"] = interval(a.beyond_floor);
  if (a.has_records())
    j["records"] = {{"numeric_mae_scaled", interval(a.record_mae_mean)},
                    {"categorical_accuracy", interval(a.record_accuracy_mean)},
                    {"numeric_mae", a.column_mae}};
  return j;
}

json learned_json(const attack::AttackerScores& a) {
  json seeds = json::array();
  for (size_t j = 0; j < a.seeds.size(); ++j) {
    const attack::SeedScore& s = a.seeds[j];
    seeds.push_back({{"seed", s.seed},
                     {"chosen", j == a.chosen_seed},
                     {"validation_ssim", s.validation_ssim},
                     {"ssim", interval(s.ssim)},
                     {"convergence", convergence_json(s.convergence)}});
  }
  return {{"learned", !a.seeds.empty()}, {"under_trained", a.under_trained}, {"seeds", seeds}};
}

json rule_json(const attack::RuleVerdict& v, const std::vector<attack::AttackerScores>& attackers) {
  return {{"status", attack::status_name(v.status)},
          {"worst_attacker", attackers.at(v.worst).attacker},
          {"bound", v.bound},
          {"limit", v.limit},
          {"reason", v.reason}};
}

json cut_json(const CutResult& c, const RunResults& r) {
  const attack::CutVerdict& v = c.verdict;
  json attackers = json::array(), baselines = json::array();
  for (size_t i = 0; i < v.attackers.size(); ++i) {
    json a = attacker_json(v.attackers[i], true);
    a["index"] = i;
    a.update(learned_json(v.attackers[i]));
    a["train_seconds"] = v.attackers[i].train_seconds;
    attackers.push_back(a);
  }
  for (const auto& b : v.baselines) baselines.push_back(attacker_json(b, false));
  const attack::AttackerScores& worst = v.attackers.at(v.absolute.worst);
  return {{"name", c.name},
          {"index", c.index},
          {"feature_shape", shape_json(c.feature_shape)},
          {"feature_bytes", c.feature_bytes},
          {"front_flops", c.front_flops},
          {"back_flops", c.back_flops},
          {"front_weight_bytes", c.front_weight_bytes},
          {"distance_correlation", c.distance_correlation},
          {"attackers", attackers},
          {"baselines", baselines},
          {"floor", {{"attacker", r.floor.best.attacker}, {"ssim", interval(r.floor.best.ssim_mean)}}},
          {"worst_attacker", worst.attacker},
          {"worst_ssim", interval(worst.ssim_mean)},
          {"verdicts", {{"absolute", rule_json(v.absolute, v.attackers)}, {"beyond_output", rule_json(v.beyond_output, v.attackers)}}},
          {"status", attack::status_name(v.status())},
          {"safe", v.safe},
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

// A defended pair: the cut's entry with its defence, accuracy and accuracy drop.
json defended_json(const CutResult& c, const RunResults& r) {
  json j = cut_json(c, r);
  j["defence"] = r.config.defences.at(c.defence).spec.label();
  const bool labelled = !std::isnan(c.accuracy) && !std::isnan(r.victim.accuracy);
  j["accuracy"] = labelled ? json(c.accuracy) : json(nullptr);
  j["accuracy_drop"] = labelled ? json(r.victim.accuracy - c.accuracy) : json(nullptr);
  return j;
}

json decision_json(const RunResults& r) {
  if (!r.decision) return nullptr;
  const PairDecision& d = *r.decision;
  return {{"cut", r.cuts.at(d.cut).name},
          {"defence", r.config.defences.at(d.defence).spec.label()},
          {"sentence", d.sentence}};
}

json floor_json(const RunResults& r) {
  json attackers = json::array();
  for (const auto& a : r.floor.attackers) {
    json j = attacker_json(a, false);
    j.update(learned_json(a));
    attackers.push_back(j);
  }
  return {{"node", r.floor.node},
          {"from_cut", r.floor.from_cut},
          {"attacker", r.floor.best.attacker},
          {"ssim", interval(r.floor.best.ssim_mean)},
          {"attackers", attackers}};
}

json cut_name_or_null(const RunResults& r, const std::optional<size_t>& k) {
  return k ? json(r.cuts[*k].name) : json(nullptr);
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char ch : s) out += ch == '"' ? std::string("\"\"") : std::string(1, ch);
  return out + "\"";
}

}  // namespace

void write_results_json(const RunResults& r, const std::string& path) {
  json cuts = json::array(), defended = json::array(), defences = json::array();
  for (const auto& c : r.cuts) cuts.push_back(cut_json(c, r));
  for (const auto& c : r.defended) defended.push_back(defended_json(c, r));
  for (const auto& d : r.config.defences) defences.push_back(d.spec.label());
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
        {"accuracy", std::isnan(r.victim.accuracy) ? json(nullptr) : json(r.victim.accuracy)},
        {"test_images", r.victim.test_images}}},
      {"dataset",
       {{"spec", cfg.dataset.spec()},
        {"aux", cfg.dataset.aux},
        {"test", cfg.dataset.test},
        {"aux_data", cfg.dataset.aux_data}}},
      {"privacy",
       {{"metric", cfg.privacy.metric},
        {"rule", cfg.privacy.rule},
        {"threshold", cfg.privacy.threshold},
        {"margin", cfg.privacy.margin},
        {"confidence", cfg.privacy.confidence},
        {"tail_ssim", cfg.privacy.tail_ssim},
        {"max_tail_fraction", cfg.privacy.max_tail_fraction >= 0 ? json(cfg.privacy.max_tail_fraction) : json(nullptr)},
        {"converged_delta", cfg.privacy.converged_delta},
        {"max_accuracy_drop", cfg.privacy.max_accuracy_drop},
        {"ssim", "scikit-image structural_similarity(gaussian_weights=True, sigma=1.5, "
                 "use_sample_covariance=False, data_range=1), channel mean"},
        {"psnr", "10 log10(1 / MSE), identical images counted as 100 dB"},
        {"safe_when",
         {{"absolute", "the highest upper bound over attackers of the mean SSIM <= threshold"},
          {"beyond_output", "the highest upper bound over attackers of the paired mean SSIM excess over the output "
                            "floor <= margin"},
          {"both", "and, with max_tail_fraction, the highest upper bound of the share of images above tail_ssim <= "
                   "max_tail_fraction; a cut within its limits with an under-trained attacker is inconclusive"}}}}},
      {"floor", floor_json(r)},
      {"label_chance", {{"uniform", r.label_chance_uniform}, {"majority", r.label_chance_majority}}},
      {"cuts", cuts},
      {"recommended_cut", cut_name_or_null(r, r.recommended)},
      {"defences", defences},
      {"defended", defended},
      {"decision", decision_json(r)},
      {"recommended_cut_by_rule",
       {{"absolute", cut_name_or_null(r, r.recommended_absolute)},
        {"beyond_output", cut_name_or_null(r, r.recommended_beyond_output)}}},
      {"latency_baselines",
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
        {"ocalls_per_run", cfg.runtime.sgx.ocalls_per_run},
        {"sync_ocalls_per_thread_per_layer", cfg.runtime.sgx.sync_ocalls_per_thread_per_layer}}},
      {"environment", {{"threads", r.threads}, {"seed", cfg.seed}}},
  };
  write_file_atomically(path, doc.dump(2) + "\n");
}

namespace {

// One row per attacker and baseline of `c`; `defence` names the pair's defence ("none" for the
// undefended cuts) and `accuracy` is the victim's top-1 with it in place (NaN: no labels).
void write_cut_rows(std::ostream& out, const CutResult& c, const std::string& defence, double accuracy,
                    double undefended_accuracy) {
  const attack::CutVerdict& v = c.verdict;
  auto row = [&](const attack::AttackerScores& a, const char* role, bool worst) {
    const bool judged = std::string(role) == "attacker";
    out << csv_field(c.name) << ',' << c.index << ',' << csv_field(defence) << ','
        << csv_field(shape_str(c.feature_shape)) << ',' << csv_field(a.attacker) << ',' << role << ','
        << a.ssim_mean.mean << ',' << a.ssim_mean.low << ',' << a.ssim_mean.high << ',' << a.psnr_mean.mean << ','
        << a.psnr_mean.low << ',' << a.psnr_mean.high << ',' << a.mse_mean.mean << ',' << a.label_leak_mean.mean
        << ',' << a.tail.mean << ',' << a.tail.high << ',';
    if (judged) out << a.beyond_floor.mean << ',' << a.beyond_floor.low << ',' << a.beyond_floor.high << ',';
    else out << ",,,";
    out << (a.under_trained ? 1 : 0) << ',' << a.train_seconds << ',' << (worst ? 1 : 0) << ','
        << attack::status_name(v.absolute.status) << ',' << attack::status_name(v.beyond_output.status) << ','
        << c.latency.tee_ms << ',' << c.latency.transfer_ms << ',' << c.latency.gpu_ms << ',';
    if (a.has_records()) out << a.record_mae_mean.mean << ',' << a.record_accuracy_mean.mean;
    else out << ',';
    out << ',';
    if (!std::isnan(accuracy)) out << accuracy << ',' << undefended_accuracy - accuracy;
    else out << ',';
    out << '\n';
  };
  for (size_t i = 0; i < v.attackers.size(); ++i) row(v.attackers[i], "attacker", i == v.worst);
  for (const auto& b : v.baselines) row(b, "baseline", false);
}

// The position in r.cuts of the cut a defended pair is at.
size_t cut_position(const RunResults& r, const CutResult& pair) {
  for (size_t k = 0; k < r.cuts.size(); ++k)
    if (r.cuts[k].index == pair.index) return k;
  throw Error("defended pair at " + pair.name + " has no undefended cut");
}

}  // namespace

void write_results_csv(const RunResults& r, const std::string& path) {
  std::ostringstream out;
  out.precision(9);
  out << "cut,cut_index,defence,feature_shape,attacker,role,ssim,ssim_low,ssim_high,psnr,psnr_low,psnr_high,mse,"
         "label_leakage,tail_fraction,tail_high,beyond_floor,beyond_floor_low,beyond_floor_high,under_trained,"
         "train_seconds,worst,absolute,beyond_output,tee_ms,transfer_ms,gpu_ms,record_mae_scaled,"
         "record_categorical_accuracy,accuracy,accuracy_drop\n";
  const double accuracy = r.victim.accuracy;
  for (const auto& c : r.cuts) write_cut_rows(out, c, "none", accuracy, accuracy);
  for (const auto& c : r.defended)
    write_cut_rows(out, c, r.config.defences.at(c.defence).spec.label(), c.accuracy, accuracy);
  write_file_atomically(path, out.str());
}

void write_results_h5(const RunResults& r, const std::string& path) {
  nn::NamedTensors all;
  auto vec = [](const auto& v) {
    Tensor t = Tensor::empty({static_cast<int64_t>(v.size())});
    for (size_t i = 0; i < v.size(); ++i) t.data()[i] = static_cast<float>(v[i]);
    return t;
  };
  // Per-image metrics and, for learned attackers, every restart's validation curve.
  auto scores = [&](const std::string& prefix, const attack::AttackerScores& a) {
    all.emplace_back(prefix + "ssim", vec(a.ssim));
    all.emplace_back(prefix + "psnr", vec(a.psnr));
    all.emplace_back(prefix + "mse", vec(a.mse));
    all.emplace_back(prefix + "label_leak", vec(a.label_leak));
    if (a.has_records()) {
      all.emplace_back(prefix + "record_mae", vec(a.record_mae));
      all.emplace_back(prefix + "record_accuracy", vec(a.record_accuracy));
    }
    for (size_t j = 0; j < a.seeds.size(); ++j) {
      const std::string seed = prefix + "seed_" + std::to_string(j) + "/";
      all.emplace_back(seed + "validation_steps", vec(a.seeds[j].convergence.steps));
      all.emplace_back(seed + "validation_ssim", vec(a.seeds[j].convergence.ssim));
    }
  };
  if (r.originals_sample.defined()) all.emplace_back("originals", r.originals_sample);
  // Cuts by position (names may hold '/'), attackers by position and kind.
  for (size_t k = 0; k < r.cuts.size(); ++k) {
    const CutResult& c = r.cuts[k];
    const std::string cut = "cuts/" + std::to_string(k) + "/";
    for (size_t i = 0; i < c.verdict.attackers.size(); ++i)
      scores(cut + std::to_string(i) + "_" + c.verdict.attackers[i].attacker + "/", c.verdict.attackers[i]);
    for (const auto& b : c.verdict.baselines) scores(cut + "baseline_" + b.attacker + "/", b);
    if (c.reconstructions_sample.defined()) all.emplace_back(cut + "reconstructions", c.reconstructions_sample);
  }
  // Defended pairs by defence index (1 on, as in results.json's "defences") and cut position.
  for (const CutResult& c : r.defended) {
    const std::string pair = "defended/" + std::to_string(c.defence) + "/" + std::to_string(cut_position(r, c)) + "/";
    for (size_t i = 0; i < c.verdict.attackers.size(); ++i)
      scores(pair + std::to_string(i) + "_" + c.verdict.attackers[i].attacker + "/", c.verdict.attackers[i]);
    for (const auto& b : c.verdict.baselines) scores(pair + "baseline_" + b.attacker + "/", b);
    if (c.reconstructions_sample.defined()) all.emplace_back(pair + "reconstructions", c.reconstructions_sample);
  }
  for (size_t i = 0; i < r.floor.attackers.size(); ++i)
    scores("floor/" + std::to_string(i) + "_" + r.floor.attackers[i].attacker + "/", r.floor.attackers[i]);
  h5::write_tensors(path, all, {{"format", kResultsSchema}, {"name", r.config.name}});
}

}  // namespace splitleak::experiments
