#pragma once
// An experiment as its YAML file describes it (docs/experiments.md is the reference for every
// key): the dataset, the victim and its cuts, the attackers, the runtimes, the privacy decision
// and the output folder. Every field holds its default until the file or a --set override says
// otherwise; `resolved_yaml` writes them all back.
#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "datasets/ton_iot.h"
#include "gpu_runtime/roofline.h"
#include "tee_runtime/cost_model.h"
#include "victim/defence.h"

namespace splitleak::experiments {

// Where a value came from, for messages: "exp.yaml:14: attackers[0].steps".
struct Origin {
  std::string file;
  int line = 0;  // 1-based; 0 when the value is a default or came from --set
  std::string key;
  std::string str() const;
};

struct DatasetConfig {
  std::string kind = "fashion-mnist";  // fashion-mnist | folder | ton-iot
  std::string path;                    // root folder, image folder or CSV (fashion-mnist: optional)
  int64_t channels = 0, size = 0;      // image shape fed to the victim; 0: the victim's input
  int64_t aux = 2000;                  // auxiliary images the attackers learn from
  int64_t test = 200;                  // held-out victim inputs the attackers reconstruct
  std::string aux_data = "disjoint";   // same | disjoint | noise
  // ton-iot only: the class target (label: normal/attack, type: the attack type) and the numeric
  // columns scaled as log1p(x) (datasets/ton_iot.h).
  std::string target = "label";
  std::vector<std::string> log_columns = datasets::TonIotOptions::default_log_columns();
  std::string spec() const;            // datasets::load_dataset's spec
};

struct VictimTrainConfig {
  bool enabled = false;  // true when victim.train is given
  int64_t epochs = 3, batch_size = 128;
  std::string optimizer = "adam";
  double lr = 1e-3, momentum = 0.9, weight_decay = 0.0;
  bool lr_decay = true;
};

struct VictimConfig {
  std::string model;    // zoo spec, .onnx or .h5
  std::string weights;  // optional splitleak .h5 whose weights replace the model's
  VictimTrainConfig train;
  bool all_cuts = true;
  std::vector<std::string> cuts;  // when !all_cuts, in order from the input
  std::vector<Origin> cut_origins;  // one per cut, for "no such cut" messages
};

struct AttackerConfig {
  std::string kind;
  int64_t steps = 1000, batch_size = 16;
  // steps: auto (attack/step_budget.h): train until the validation curve is flat at a check
  // between min_steps and max_steps; `steps` then holds max_steps (the most a restart may take).
  bool auto_steps = false;
  int64_t min_steps = 400, max_steps = 20000;
  int64_t seeds = 1;       // independent restarts of a learned attacker; the best on validation is kept
  int64_t eval_every = 0;  // validation SSIM every this many steps; 0: steps / 10 (at least 1), auto: 200
  int64_t evaluation_interval() const {
    if (eval_every > 0) return eval_every;
    return auto_steps ? std::min<int64_t>(200, steps) : std::max<int64_t>(1, steps / 10);
  }
  std::map<std::string, std::string> settings;  // everything else, for the attacker's Config
  std::map<std::string, Origin> origins;        // per setting, for messages
  Origin origin;                                 // the list entry
  // origins as "file:line: attackers[i].key" texts, for the attacker's Config.
  std::map<std::string, std::string> origin_texts() const {
    std::map<std::string, std::string> out;
    for (const auto& [key, o] : origins) out[key] = o.str();
    return out;
  }
};

// A defence at the cut (docs/defences.md): evaluated at every cut, with attackers trained on
// its defended features.
struct DefenceConfig {
  victim::DefenceSpec spec;
  Origin origin;  // the list entry ("exp.yaml:30: defences[1]"); none's implicit entry has line 0
};

struct RuntimeConfig {
  std::string tee_backend = "sim";  // the enclave backend the front partition's time is measured on
  std::string sgx_preset = "sgx1";
  tee::SgxParameters sgx;           // the SGX cost model added to the measured time
  int64_t tee_memory_budget_mib = 4096;  // process backend
  std::string gpu_backend = "cpu";  // where the back partition's time comes from: cpu | opencl | model
  std::string gpu_device = "opencl";  // opencl: the device (opencl[:P:D])
  gpu::GpuModel gpu_model;            // model: the roofline estimate's GPU (preset + overrides)
  int64_t latency_batch = 1, latency_iters = 5;
  double link_gb_per_s = 12.0;  // TEE host -> GPU link for the feature map (PCIe 3.0 x16, effective)
  // runtime.attack.device: where the attackers train and reconstruct, rmle's and hybrid's
  // optimisation through the front partition included, and where the features are extracted
  // (cpu | opencl[:P:D]).
  std::string attack_device = "cpu";
  // A row set (auxiliary images, a cut's auxiliary features, a folder's images) that takes at
  // most this many MiB as floats is read into memory; a larger one stays in its HDF5 file in the
  // run's cache/ and is read a batch at a time.
  int64_t data_in_memory_mib = 512;
  // runtime.features: where the attackers' auxiliary features come from. Cache: extracted once
  // per node into the run's cache/; recompute: the front partition runs on each batch read
  // (training batches, validation), nothing stored; auto: cache when the run's estimated disk
  // fits the free space, recompute otherwise (decided once, at the start of the run).
  enum class Features { Cache, Recompute, Auto };
  Features features = Features::Auto;
};

// "cache", "recompute", "auto".
std::string features_name(RuntimeConfig::Features features);

struct PrivacyConfig {
  std::string metric = "ssim";
  std::string rule = "absolute";  // the rule that decides: absolute | beyond_output (attack/verdict.h)
  double threshold = 0.3;         // absolute: bound on the worst mean SSIM
  double margin = 0.05;           // beyond_output: bound on the worst paired SSIM excess over the output floor
  double confidence = 0.95;
  double tail_ssim = 0.5;         // the tail: images reconstructed above this SSIM
  double max_tail_fraction = -1;  // < 0: the tail is reported, not ruled on
  double converged_delta = 0.01;  // a validation SSIM rise above this over the last fifth: under-trained
  double max_accuracy_drop = 0.01;  // a defended (cut, defence) pair may lose at most this top-1 accuracy
};

struct ExperimentConfig {
  std::string file;  // the YAML it came from
  std::string name;
  uint64_t seed = 0;
  int threads = 0;  // 0: all cores
  DatasetConfig dataset;
  VictimConfig victim;
  std::vector<AttackerConfig> attackers;
  // defences[0] is `none`, the reference, whether the file lists it or not; the file's other
  // entries follow in its order.
  std::vector<DefenceConfig> defences{DefenceConfig{}};
  // Whether a defence fine-tunes the victim (victim::DefenceSpec::finetune > 0).
  bool fine_tunes() const {
    for (const DefenceConfig& d : defences)
      if (d.spec.finetune > 0) return true;
    return false;
  }
  RuntimeConfig runtime;
  PrivacyConfig privacy;
  std::string output;  // run directory; default runs/<name>
  // Where the keys that name files and devices were given: dataset.path, victim.model,
  // victim.weights, runtime.gpu.device, runtime.attack.device.
  std::map<std::string, Origin> path_origins;
};

// Parses `path`, applies the overrides ("key.path=value", a YAML scalar or flow sequence; list
// entries as attackers.0.steps) and validates. Throws Error naming file, line and key with what
// was expected; an unknown key gets the closest known one as a "did you mean".
ExperimentConfig load_experiment(const std::string& path, const std::vector<std::string>& overrides = {});

// The files and folders the experiment reads that do not exist, one message each ("exp.yaml:4:
// victim.weights: no such file 'w.h5'"). Relative paths are taken from the working directory.
// load_experiment does not check them, so --dry-run can plan a configuration whose data is not
// here; check_paths throws the first.
std::vector<std::string> missing_paths(const ExperimentConfig& config);
void check_paths(const ExperimentConfig& config);

// Every value, defaults included, as YAML (config.resolved.yaml adds the version and threads).
std::string resolved_yaml(const ExperimentConfig& config);

}  // namespace splitleak::experiments
