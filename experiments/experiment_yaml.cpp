// The experiment file: yaml-cpp parses, a Section per mapping records the keys the schema asks
// for (so the rest are unknown keys, reported with a "did you mean"), and every message names
// file, line and key.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <limits>
#include <filesystem>
#include <sstream>
#include <set>

#include "attack/attacker.h"
#include "core/device.h"
#include "core/error.h"
#include "core/parallel.h"
#include "core/suggest.h"
#include "experiments/experiment.h"
#include "experiments/yaml_section.h"
#include "gpu_runtime/opencl_device.h"

namespace splitleak::experiments {

std::string Origin::str() const {
  if (file == "--set") return "--set " + key;
  return line > 0 ? file + ":" + std::to_string(line) + ": " + key : file + ": " + key;
}

std::string features_name(RuntimeConfig::Features features) {
  switch (features) {
    case RuntimeConfig::Features::Cache: return "cache";
    case RuntimeConfig::Features::Recompute: return "recompute";
    case RuntimeConfig::Features::Auto: return "auto";
  }
  throw Error("features_name: an unlisted feature source", Error::Kind::Failure);
}

std::string DatasetConfig::spec() const {
  if (kind == "fashion-mnist") return path.empty() ? kind : kind + ":" + path;
  return kind + ":" + path;
}

namespace {

// The bounds of the counts that size a run's memory or work (docs/experiments.md). Each is far
// beyond any run a machine finishes, and small enough that the plan's products of them (steps x
// seeds x nodes, items of cuts x defences x attackers x seeds) fit in 64 bits.
constexpr int64_t kMaxImages = 100'000'000;
constexpr int64_t kMaxImageSide = 16384;
constexpr int64_t kMaxEpochs = 1'000'000;
constexpr int64_t kMaxBatch = 65536;
constexpr int64_t kMaxSteps = 1'000'000'000;
constexpr int64_t kMaxSeeds = 1000;
constexpr int64_t kMaxIterations = 1'000'000;
constexpr int64_t kMaxCalls = 1'000'000'000;
constexpr int64_t kMaxMib = int64_t{1} << 30;

// Sets a.b.c (list entries by index) to `value`, creating mappings on the way.
void set_path(YAML::Node node, const std::vector<std::string>& parts, size_t i, const YAML::Node& value,
              const std::string& text) {
  const std::string& part = parts[i];
  const bool last = i + 1 == parts.size();
  if (node.IsSequence()) {
    size_t index = 0;
    try {
      index = std::stoul(part);
    } catch (const std::exception&) {
      throw Error("--set " + shown(text) + ": '" + shown(part) + "' is not a list index");
    }
    check(index < node.size(), "--set " + shown(text) + ": index " + part + " is past the list's " +
                                   std::to_string(node.size()) + " entries");
    if (last) node[index] = value;
    else set_path(node[index], parts, i + 1, value, text);
    return;
  }
  check(!node.IsScalar(), "--set " + shown(text) + ": '" + part + "' is below a value, not a mapping");
  if (last) {
    node[part] = value;
    return;
  }
  if (!node[part] || node[part].IsNull()) node[part] = YAML::Node(YAML::NodeType::Map);
  set_path(node[part], parts, i + 1, value, text);
}

// "attackers.0.steps" -> "attackers[0].steps" (how Origin names keys).
std::string display_path(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) {
    const bool index = !p.empty() && std::all_of(p.begin(), p.end(), [](char c) { return c >= '0' && c <= '9'; });
    out += index ? "[" + p + "]" : (out.empty() ? "" : ".") + p;
  }
  return out;
}

void apply_override(YAML::Node& root, const std::string& text, Source& source) {
  const auto eq = text.find('=');
  check(eq != std::string::npos && eq > 0, "--set " + shown(text) + ": expected key.path=value");
  std::vector<std::string> parts;
  std::string part;
  for (char c : text.substr(0, eq)) {
    if (c == '.') parts.push_back(part), part.clear();
    else part += c;
  }
  parts.push_back(part);
  for (const auto& p : parts) check(!p.empty(), "--set " + shown(text) + ": empty key in the path");
  const std::string value_text = text.substr(eq + 1);
  check(value_text.find_first_not_of(" \t") != std::string::npos,
        "--set " + shown(text) + ": no value (give key.path=value; write null for an empty value)");
  const YAML::Node value = parse_yaml(value_text, "--set " + shown(text));
  set_path(root, parts, 0, value, text);
  source.overridden.insert(display_path(parts));
}

void parse_dataset(Section s, DatasetConfig& d, std::map<std::string, Origin>& origins) {
  d.kind = s.get_choice("kind", d.kind, {"fashion-mnist", "folder", "ton-iot"});
  d.path = s.get_string("path", d.path);
  origins["dataset.path"] = s.origin("path");
  if (d.kind != "fashion-mnist" && d.path.empty()) s.fail("path", "the " + d.kind + " dataset needs a path");
  d.channels = s.get_int("channels", d.channels, 0, 4);
  d.size = s.get_int("size", d.size, 0, kMaxImageSide);
  d.aux = s.get_int("aux", d.aux, 2, kMaxImages);
  d.test = s.get_int("test", d.test, 2, kMaxImages);
  d.aux_data = s.get_choice("aux_data", d.aux_data, {"same", "disjoint", "noise"});
  for (const char* key : {"target", "log_scale"})
    if (d.kind != "ton-iot" && s.has(key)) s.fail(key, "applies to the ton-iot dataset only");
  d.target = s.get_choice("target", d.target, {"label", "type"});
  d.log_columns = s.get_strings("log_scale", d.log_columns);
  s.finish();
}

void parse_victim(Section s, VictimConfig& v, std::map<std::string, Origin>& origins) {
  if (!s.has("model")) s.missing("model", "a zoo name (e.g. lenet5), an .onnx or a splitleak .h5 file");
  v.model = s.get_string("model", "");
  v.weights = s.get_string("weights", "");
  origins["victim.model"] = s.origin("model"), origins["victim.weights"] = s.origin("weights");
  if (s.has("train")) {
    Section t = s.child("train");
    v.train.enabled = true;
    v.train.epochs = t.get_int("epochs", v.train.epochs, 1, kMaxEpochs);
    v.train.batch_size = t.get_int("batch_size", v.train.batch_size, 1, kMaxBatch);
    v.train.optimizer = t.get_choice("optimizer", v.train.optimizer, {"adam", "sgd"});
    v.train.lr = t.get_double("lr", v.train.lr, 0, 10, true);
    v.train.momentum = t.get_double("momentum", v.train.momentum, 0, 1);
    v.train.weight_decay = t.get_double("weight_decay", v.train.weight_decay, 0, 1);
    v.train.lr_decay = t.get_bool("lr_decay", v.train.lr_decay);
    t.finish();
  }
  if (!v.weights.empty() && v.train.enabled) s.fail("weights", "give weights or train, not both");
  const YAML::Node cuts = s.raw("cuts");
  if (!cuts || cuts.IsNull() || (cuts.IsScalar() && cuts.Scalar() == "all")) {
    v.all_cuts = true;
  } else if (cuts.IsSequence() && cuts.size() > 0) {
    v.all_cuts = false;
    for (size_t i = 0; i < cuts.size(); ++i) {
      if (!cuts[i].IsScalar()) s.fail("cuts", "entry " + std::to_string(i) + " is not a cut name");
      v.cuts.push_back(cuts[i].Scalar());
      const YAML::Mark m = cuts[i].Mark();
      v.cut_origins.push_back({s.origin("cuts").file, m.is_null() ? s.origin("cuts").line : m.line + 1,
                               s.key_path("cuts") + "[" + std::to_string(i) + "]"});
    }
  } else {
    s.fail("cuts", "expected 'all' or a non-empty list of cut names, got " + kind_name(cuts));
  }
  s.finish();
}

// The attacker entry's keys the runner reads; the rest are the attacker's own settings.
const std::vector<std::string> kRunnerKeys{"kind", "steps", "min_steps", "max_steps", "batch_size", "seeds", "eval_every"};

// steps: N, or steps: auto with min_steps and max_steps (which only auto takes).
void parse_steps(Section& s, AttackerConfig& a) {
  const YAML::Node steps = s.raw("steps");
  a.auto_steps = steps && steps.IsScalar() && steps.Scalar() == "auto";
  if (!a.auto_steps) {
    for (const char* key : {"min_steps", "max_steps"})
      if (s.has(key)) s.fail(key, "applies to steps: auto only");
    a.steps = s.get_int("steps", a.steps, 1, kMaxSteps);
    return;
  }
  a.max_steps = s.get_int("max_steps", a.max_steps, 1, kMaxSteps);
  a.min_steps = s.get_int("min_steps", std::min(a.min_steps, a.max_steps), 1, a.max_steps);
  a.steps = a.max_steps;
}

AttackerConfig parse_attacker(const YAML::Node& node, size_t index, const Source& source) {
  const std::string path = "attackers[" + std::to_string(index) + "]";
  AttackerConfig a;
  Section s(node, path, source);
  a.origin = {source.file, node.Mark().is_null() ? 0 : node.Mark().line + 1, path};
  if (!node.IsMap()) throw Error(a.origin.str() + ": expected a mapping with 'kind', got " + kind_name(node));
  if (!s.has("kind")) s.missing("kind", "one of the registered attackers");
  const std::vector<std::string> kinds = attack::attacker_kinds();
  a.kind = s.get_choice("kind", "", kinds);
  parse_steps(s, a);
  a.batch_size = s.get_int("batch_size", a.batch_size, 1, kMaxBatch);
  a.seeds = s.get_int("seeds", a.seeds, 1, kMaxSeeds);
  a.eval_every = s.get_int("eval_every", a.eval_every, 0, kMaxSteps);
  for (const auto& kv : node) {
    const std::string key = kv.first.as<std::string>();
    if (std::find(kRunnerKeys.begin(), kRunnerKeys.end(), key) != kRunnerKeys.end()) continue;
    if (!kv.second.IsScalar()) s.fail(key, "expected a single value, got " + kind_name(kv.second));
    a.settings[key] = kv.second.Scalar();
    a.origins[key] = s.origin(key);
  }
  return a;
}

// defences: a list of {kind, <its value key>: value}; `none` first, whether listed or not.
std::vector<DefenceConfig> parse_defences(const YAML::Node& list, const Origin& where, const Source& source) {
  std::vector<DefenceConfig> out{DefenceConfig{}};
  out.front().origin = where;
  if (!list || list.IsNull()) return out;
  if (!list.IsSequence()) throw Error(where.str() + ": expected a list of defences ({kind: noise, sigma: 0.5}), got " + kind_name(list));
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string path = "defences[" + std::to_string(i) + "]";
    DefenceConfig d;
    d.origin = {source.file, list[i].Mark().is_null() ? 0 : list[i].Mark().line + 1, path};
    if (!list[i].IsMap()) throw Error(d.origin.str() + ": expected a mapping with 'kind', got " + kind_name(list[i]));
    Section e(list[i], path, source);
    if (!e.has("kind")) e.missing("kind", "one of " + victim::defence_kinds_text());
    d.spec.kind = e.get_choice("kind", "", victim::defence_kinds());
    const std::string key = victim::defence_value_key(d.spec.kind);
    if (!key.empty()) {
      if (!e.has(key)) e.missing(key, "the " + d.spec.kind + " defence's " + key);
      d.spec.value = e.get_double(key, 0.0, -1e30, 1e30);
    }
    d.spec.finetune = e.get_int("finetune", d.spec.kind == "nopeek" ? 1 : 0, d.spec.kind == "nopeek" ? 1 : 0, kMaxEpochs);
    try {
      victim::check_defence(d.spec);
    } catch (const Error& error) {
      e.fail(d.spec.finetune > 0 && d.spec.kind == "none" ? "finetune" : key, error.what());
    }
    e.finish();
    const auto same = std::find_if(out.begin(), out.end(), [&](const DefenceConfig& o) { return o.spec.label() == d.spec.label(); });
    if (same != out.end() && d.spec.kind != "none")
      throw Error(d.origin.str() + ": " + d.spec.label() + " is listed twice (first at " + same->origin.str() + ")");
    if (d.spec.kind != "none") out.push_back(d);
  }
  return out;
}

void parse_runtime(Section s, RuntimeConfig& r, std::map<std::string, Origin>& origins) {
  Section tee = s.child("tee");
  r.tee_backend = tee.get_choice("backend", r.tee_backend, {"sim", "process"});
  r.tee_memory_budget_mib = tee.get_int("memory_budget_mib", r.tee_memory_budget_mib, 1, kMaxMib);
  Section sgx = tee.child("sgx");
  r.sgx_preset = sgx.get_choice("preset", r.sgx_preset, {"sgx1", "sgx2"});
  tee::SgxParameters& p = r.sgx;
  p = tee::sgx_preset(r.sgx_preset);
  p.epc_usable_mib = sgx.get_double("epc_usable_mib", p.epc_usable_mib, 0, 1e9, true);
  p.cpu_ghz = sgx.get_double("cpu_ghz", p.cpu_ghz, 0, 100, true);
  p.ecall_cycles = sgx.get_double("ecall_cycles", p.ecall_cycles, 0, 1e9);
  p.ocall_cycles = sgx.get_double("ocall_cycles", p.ocall_cycles, 0, 1e9);
  p.page_swap_cycles = sgx.get_double("page_swap_cycles", p.page_swap_cycles, 0, 1e9);
  p.memory_encryption_factor = sgx.get_double("memory_encryption_factor", p.memory_encryption_factor, 1, 100);
  p.ecalls_per_run = sgx.get_int("ecalls_per_run", p.ecalls_per_run, 0, kMaxCalls);
  p.ocalls_per_run = sgx.get_int("ocalls_per_run", p.ocalls_per_run, 0, kMaxCalls);
  p.sync_ocalls_per_thread_per_layer =
      sgx.get_double("sync_ocalls_per_thread_per_layer", p.sync_ocalls_per_thread_per_layer, 0, 1e6);
  sgx.finish();
  tee.finish();
  Section gpu = s.child("gpu");
  r.gpu_backend = gpu.get_choice("backend", r.gpu_backend, {"cpu", "opencl", "model"});
  r.gpu_device = gpu.get_string("device", r.gpu_device);
  origins["runtime.gpu.device"] = gpu.origin("device");
  try {
    parse_device(r.gpu_device);
  } catch (const Error& e) {
    gpu.fail("device", e.what());
  }
  const std::string preset = gpu.get_choice("model", r.gpu_model.name, gpu::gpu_model_presets());
  r.gpu_model = gpu::gpu_model_preset(preset);
  gpu::GpuModel& m = r.gpu_model;
  m.peak_tflops = gpu.get_double("peak_tflops", m.peak_tflops, 0, 1e6, true);
  m.memory_gb_per_s = gpu.get_double("memory_gb_per_s", m.memory_gb_per_s, 0, 1e7, true);
  m.compute_efficiency = gpu.get_double("compute_efficiency", m.compute_efficiency, 0, 1, true);
  m.memory_efficiency = gpu.get_double("memory_efficiency", m.memory_efficiency, 0, 1, true);
  m.launch_us = gpu.get_double("launch_us", m.launch_us, 0, 1e6);
  gpu.finish();
  Section attack = s.child("attack");
  r.attack_device = attack.get_string("device", r.attack_device);
  origins["runtime.attack.device"] = attack.origin("device");
  try {
    parse_device(r.attack_device);
  } catch (const Error& e) {
    attack.fail("device", e.what());
  }
  attack.finish();
  r.latency_batch = s.get_int("latency_batch", r.latency_batch, 1, kMaxBatch);
  r.latency_iters = s.get_int("latency_iters", r.latency_iters, 1, kMaxIterations);
  r.link_gb_per_s = s.get_double("link_gb_per_s", r.link_gb_per_s, 0, 1e6, true);
  r.data_in_memory_mib = s.get_int("data_in_memory_mib", r.data_in_memory_mib, 0, kMaxMib);
  const std::string features = s.get_choice("features", features_name(r.features), {"cache", "recompute", "auto"});
  r.features = features == "cache" ? RuntimeConfig::Features::Cache
               : features == "recompute" ? RuntimeConfig::Features::Recompute
                                         : RuntimeConfig::Features::Auto;
  s.finish();
}

void parse_privacy(Section s, PrivacyConfig& p) {
  p.metric = s.get_choice("metric", p.metric, {"ssim"});
  p.rule = s.get_choice("rule", p.rule, {"absolute", "beyond_output"});
  p.threshold = s.get_double("threshold", p.threshold, 0, 1);
  p.margin = s.get_double("margin", p.margin, 0, 1);
  p.confidence = s.get_double("confidence", p.confidence, 0, 1, true);
  if (p.confidence >= 1) s.fail("confidence", "expected a number in (0, 1), got 1");
  p.tail_ssim = s.get_double("tail_ssim", p.tail_ssim, 0, 1);
  if (s.has("max_tail_fraction")) p.max_tail_fraction = s.get_double("max_tail_fraction", 0, 0, 1);
  p.converged_delta = s.get_double("converged_delta", p.converged_delta, 0, 1);
  p.max_accuracy_drop = s.get_double("max_accuracy_drop", p.max_accuracy_drop, 0, 1);
  s.finish();
}

}  // namespace

ExperimentConfig load_experiment(const std::string& path, const std::vector<std::string>& overrides) {
  Source source{path, {}};
  YAML::Node root = load_yaml_file(path, "experiment");
  if (!root || root.IsNull()) root = YAML::Node(YAML::NodeType::Map);
  check(root.IsMap(), path + ": expected a mapping of experiment keys at the top, got " + kind_name(root));
  for (const auto& o : overrides) apply_override(root, o, source);

  ExperimentConfig c;
  c.file = path;
  Section s(root, "", source);
  c.name = s.get_string("name", std::filesystem::path(path).stem().string());
  if (c.name.empty() || c.name.find('/') != std::string::npos) s.fail("name", "expected a name without '/', got '" + c.name + "'");
  c.seed = static_cast<uint64_t>(s.get_int("seed", 0, 0, std::numeric_limits<int64_t>::max()));
  c.threads = static_cast<int>(s.get_int("threads", 0, 0, kMaxThreads));
  parse_dataset(s.child("dataset"), c.dataset, c.path_origins);
  if (!s.has("victim")) s.missing("victim", "the model under attack (victim: {model: ...})");
  parse_victim(s.child("victim"), c.victim, c.path_origins);
  if (!s.has("attackers")) s.missing("attackers", "a list of attackers ({kind: cgan, ...})");
  const YAML::Node attackers = s.raw("attackers");
  if (!attackers.IsSequence() || attackers.size() == 0)
    s.fail("attackers", "expected a non-empty list of attackers ({kind: cgan, ...})");
  for (size_t i = 0; i < attackers.size(); ++i) c.attackers.push_back(parse_attacker(attackers[i], i, source));
  c.defences = parse_defences(s.raw("defences"), s.origin("defences"), source);
  parse_runtime(s.child("runtime"), c.runtime, c.path_origins);
  parse_privacy(s.child("privacy"), c.privacy);
  c.output = s.get_string("output", "runs/" + c.name);
  s.finish();
  return c;
}

std::vector<std::string> missing_paths(const ExperimentConfig& c) {
  std::vector<std::string> out;
  auto need = [&](const std::string& key, const std::string& path, const char* what) {
    std::error_code ec;  // a path too long to exist, say, is missing too
    if (!path.empty() && !std::filesystem::exists(path, ec))
      out.push_back(c.path_origins.at(key).str() + ": no such " + what + " '" + shown(path, 200) + "'");
  };
  need("dataset.path", c.dataset.path, c.dataset.kind == "ton-iot" ? "file" : "folder");
  const std::string& m = c.victim.model;
  const bool is_file = m.ends_with(".onnx") || m.ends_with(".h5");
  if (is_file) need("victim.model", m, "file");
  need("victim.weights", c.victim.weights, "file");
  return out;
}

void check_paths(const ExperimentConfig& c) {
  const auto missing = missing_paths(c);
  if (!missing.empty()) throw Error(missing.front());
}

std::string resolved_yaml(const ExperimentConfig& c) {
  YAML::Emitter out;
  out.SetDoublePrecision(15);  // what a person typed reads back as typed (0.3, not 0.29999999999999999)
  out << YAML::BeginMap;
  out << YAML::Key << "name" << YAML::Value << c.name;
  out << YAML::Key << "seed" << YAML::Value << c.seed;
  out << YAML::Key << "threads" << YAML::Value << c.threads;
  out << YAML::Key << "dataset" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "kind" << YAML::Value << c.dataset.kind << YAML::Key << "path" << YAML::Value << c.dataset.path;
  out << YAML::Key << "channels" << YAML::Value << c.dataset.channels << YAML::Key << "size" << YAML::Value
      << c.dataset.size;
  out << YAML::Key << "aux" << YAML::Value << c.dataset.aux << YAML::Key << "test" << YAML::Value << c.dataset.test;
  out << YAML::Key << "aux_data" << YAML::Value << c.dataset.aux_data;
  if (c.dataset.kind == "ton-iot")
    out << YAML::Key << "target" << YAML::Value << c.dataset.target << YAML::Key << "log_scale" << YAML::Value
        << YAML::Flow << c.dataset.log_columns;
  out << YAML::EndMap;
  out << YAML::Key << "victim" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "model" << YAML::Value << c.victim.model;
  if (!c.victim.weights.empty()) out << YAML::Key << "weights" << YAML::Value << c.victim.weights;
  if (c.victim.train.enabled) {
    const VictimTrainConfig& t = c.victim.train;
    out << YAML::Key << "train" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "epochs" << YAML::Value << t.epochs << YAML::Key << "batch_size" << YAML::Value << t.batch_size;
    out << YAML::Key << "optimizer" << YAML::Value << t.optimizer << YAML::Key << "lr" << YAML::Value << t.lr;
    out << YAML::Key << "momentum" << YAML::Value << t.momentum << YAML::Key << "weight_decay" << YAML::Value
        << t.weight_decay;
    out << YAML::Key << "lr_decay" << YAML::Value << t.lr_decay << YAML::EndMap;
  }
  out << YAML::Key << "cuts" << YAML::Value;
  if (c.victim.all_cuts) out << "all";
  else out << YAML::Flow << c.victim.cuts;
  out << YAML::EndMap;
  out << YAML::Key << "attackers" << YAML::Value << YAML::BeginSeq;
  for (const auto& a : c.attackers) {
    out << YAML::BeginMap << YAML::Key << "kind" << YAML::Value << a.kind;
    if (a.auto_steps)
      out << YAML::Key << "steps" << YAML::Value << "auto" << YAML::Key << "min_steps" << YAML::Value << a.min_steps
          << YAML::Key << "max_steps" << YAML::Value << a.max_steps;
    else
      out << YAML::Key << "steps" << YAML::Value << a.steps;
    out << YAML::Key << "batch_size" << YAML::Value << a.batch_size;
    out << YAML::Key << "seeds" << YAML::Value << a.seeds << YAML::Key << "eval_every" << YAML::Value
        << a.evaluation_interval();
    for (const auto& [k, v] : a.settings) out << YAML::Key << k << YAML::Value << v;
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;
  out << YAML::Key << "defences" << YAML::Value << YAML::BeginSeq;
  for (const DefenceConfig& d : c.defences) {
    out << YAML::Flow << YAML::BeginMap << YAML::Key << "kind" << YAML::Value << d.spec.kind;
    if (d.spec.kind != "none") out << YAML::Key << victim::defence_value_key(d.spec.kind) << YAML::Value << d.spec.value;
    if (d.spec.finetune > 0) out << YAML::Key << "finetune" << YAML::Value << d.spec.finetune;
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;
  out << YAML::Key << "runtime" << YAML::Value << YAML::BeginMap;
  const tee::SgxParameters& sgx = c.runtime.sgx;
  out << YAML::Key << "tee" << YAML::Value << YAML::BeginMap << YAML::Key << "backend" << YAML::Value
      << c.runtime.tee_backend << YAML::Key << "memory_budget_mib" << YAML::Value << c.runtime.tee_memory_budget_mib;
  out << YAML::Key << "sgx" << YAML::Value << YAML::BeginMap << YAML::Key << "preset" << YAML::Value << c.runtime.sgx_preset
      << YAML::Key << "epc_usable_mib" << YAML::Value << sgx.epc_usable_mib << YAML::Key << "cpu_ghz" << YAML::Value
      << sgx.cpu_ghz << YAML::Key << "ecall_cycles" << YAML::Value << sgx.ecall_cycles << YAML::Key << "ocall_cycles"
      << YAML::Value << sgx.ocall_cycles << YAML::Key << "page_swap_cycles" << YAML::Value << sgx.page_swap_cycles
      << YAML::Key << "memory_encryption_factor" << YAML::Value << sgx.memory_encryption_factor << YAML::Key
      << "ecalls_per_run" << YAML::Value << sgx.ecalls_per_run << YAML::Key << "ocalls_per_run" << YAML::Value
      << sgx.ocalls_per_run << YAML::Key << "sync_ocalls_per_thread_per_layer" << YAML::Value
      << sgx.sync_ocalls_per_thread_per_layer << YAML::EndMap << YAML::EndMap;
  const gpu::GpuModel& gm = c.runtime.gpu_model;
  out << YAML::Key << "gpu" << YAML::Value << YAML::BeginMap << YAML::Key << "backend" << YAML::Value
      << c.runtime.gpu_backend << YAML::Key << "device" << YAML::Value << c.runtime.gpu_device << YAML::Key << "model"
      << YAML::Value << gm.name << YAML::Key << "peak_tflops" << YAML::Value << gm.peak_tflops << YAML::Key
      << "memory_gb_per_s" << YAML::Value << gm.memory_gb_per_s << YAML::Key << "compute_efficiency" << YAML::Value
      << gm.compute_efficiency << YAML::Key << "memory_efficiency" << YAML::Value << gm.memory_efficiency << YAML::Key
      << "launch_us" << YAML::Value << gm.launch_us << YAML::EndMap;
  out << YAML::Key << "attack" << YAML::Value << YAML::BeginMap << YAML::Key << "device" << YAML::Value
      << c.runtime.attack_device << YAML::EndMap;
  out << YAML::Key << "latency_batch" << YAML::Value << c.runtime.latency_batch;
  out << YAML::Key << "latency_iters" << YAML::Value << c.runtime.latency_iters;
  out << YAML::Key << "link_gb_per_s" << YAML::Value << c.runtime.link_gb_per_s;
  out << YAML::Key << "data_in_memory_mib" << YAML::Value << c.runtime.data_in_memory_mib;
  out << YAML::Key << "features" << YAML::Value << features_name(c.runtime.features) << YAML::EndMap;
  out << YAML::Key << "privacy" << YAML::Value << YAML::BeginMap;
  const PrivacyConfig& p = c.privacy;
  out << YAML::Key << "metric" << YAML::Value << p.metric << YAML::Key << "rule" << YAML::Value << p.rule << YAML::Key
      << "threshold" << YAML::Value << p.threshold << YAML::Key << "margin" << YAML::Value << p.margin << YAML::Key
      << "confidence" << YAML::Value << p.confidence << YAML::Key << "tail_ssim" << YAML::Value << p.tail_ssim;
  if (p.max_tail_fraction >= 0) out << YAML::Key << "max_tail_fraction" << YAML::Value << p.max_tail_fraction;
  out << YAML::Key << "converged_delta" << YAML::Value << p.converged_delta;
  out << YAML::Key << "max_accuracy_drop" << YAML::Value << p.max_accuracy_drop << YAML::EndMap;
  out << YAML::Key << "output" << YAML::Value << c.output;
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace splitleak::experiments
