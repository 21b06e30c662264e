#include "experiments/victim_setup.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <cmath>
#include <limits>

#include "core/error.h"
#include "core/suggest.h"
#include "datasets/image_folder.h"
#include "experiments/progress_log.h"
#include "victim/load.h"
#include "victim/model_file.h"
#include "victim/partition.h"
#include "victim/train.h"

namespace splitleak::experiments {
namespace fs = std::filesystem;

void check_weights_fit(const victim::Graph& graph, const victim::Graph& source, const std::string& where) {
  for (const auto& [name, t] : graph.tensors) {
    auto it = source.tensors.find(name);
    check(it != source.tensors.end(), where + ": has no weight '" + name + "' the model needs");
    check(it->second.shape() == t.shape(), where + ": weight '" + name + "' is " + shape_str(it->second.shape()) +
                                               ", the model needs " + shape_str(t.shape()));
  }
}

void take_weights(victim::Graph& graph, const victim::Graph& source, const std::string& where) {
  check_weights_fit(graph, source, where);
  for (auto& [name, t] : graph.tensors) t.copy_from(source.tensors.at(name));
}

void check_dataset_sizes(const ExperimentConfig& c, const datasets::TrainTest& data) {
  check(data.test.size() >= c.dataset.test, c.file + ": dataset.test: " + std::to_string(c.dataset.test) +
                                                " held-out images asked for, the test split holds " +
                                                std::to_string(data.test.size()));
  if (c.dataset.aux_data == "disjoint")
    check(data.train.size() >= c.dataset.aux, c.file + ": dataset.aux: " + std::to_string(c.dataset.aux) +
                                                  " auxiliary images asked for, the train split holds " +
                                                  std::to_string(data.train.size()));
}

ExperimentData load_experiment_data(const ExperimentConfig& c, int64_t channels, int64_t size,
                                    const datasets::FolderStorage* storage) {
  ExperimentData out;
  if (c.dataset.kind != "ton-iot") {
    out.data = datasets::load_dataset(c.dataset.spec(), channels, size, c.seed, storage);
    return out;
  }
  check(channels == 1, "dataset '" + c.dataset.spec() + "': TON_IoT records are one-channel images; the model takes " +
                           std::to_string(channels) + " channels");
  datasets::TonIotOptions o;
  o.path = c.dataset.path, o.seed = c.seed, o.side = size, o.target = c.dataset.target;
  o.log_columns = c.dataset.log_columns;
  auto records = std::make_shared<datasets::TonIotData>(datasets::load_ton_iot(o));
  out.data = {records->train, records->test};
  out.records = std::move(records);
  return out;
}

datasets::FolderStorage folder_storage(const ExperimentConfig& c, const fs::path& run_dir,
                                       const std::shared_ptr<spdlog::logger>& log) {
  datasets::FolderStorage s;
  s.dir = (run_dir / "cache").string();
  s.in_memory_bytes = c.runtime.data_in_memory_mib << 20;
  const bool trains = (c.victim.train.enabled && c.victim.weights.empty()) || c.fine_tunes();
  s.train_limit = trains ? std::numeric_limits<int64_t>::max() : c.dataset.aux_data == "disjoint" ? c.dataset.aux : 0;
  s.progress = [log, spec = c.dataset.spec()](const std::string& split) -> RowProgress {
    return ProgressLog(log, "decoding " + spec + ", " + split + ", into its image store");
  };
  return s;
}

int64_t folder_image_count(const ExperimentConfig& c) {
  if (c.dataset.kind != "folder") return 0;
  datasets::ImageFolderOptions o;
  o.root = c.dataset.path;
  return datasets::ImageFolder(o).size();
}

victim::Graph experiment_model(const ExperimentConfig& c) {
  victim::Graph g = victim::load_model(c.victim.model);
  if (c.dataset.channels <= 0 && c.dataset.size <= 0) return g;
  const Shape& in = g.input().shape;
  return victim::load_model(c.victim.model, {c.dataset.channels > 0 ? c.dataset.channels : in[1],
                                             c.dataset.size > 0 ? c.dataset.size : in[2],
                                             c.dataset.size > 0 ? c.dataset.size : in[3]});
}

VictimSetup load_victim_and_data(const ExperimentConfig& c, const datasets::FolderStorage* storage) {
  VictimSetup s;
  s.graph = experiment_model(c);
  const Shape& in = s.graph.input().shape;
  check(in.size() == 4 && in[2] == in[3], c.path_origins.at("victim.model").str() + ": the victim must take square (C, H, W) images, not " +
                                              shape_str(in));
  ExperimentData loaded = load_experiment_data(c, in[1], in[2], storage);
  s.data = std::move(loaded.data), s.records = std::move(loaded.records);
  check_dataset_sizes(c, s.data);
  return s;
}

void give_weights(const ExperimentConfig& c, const fs::path& run_dir, const std::shared_ptr<spdlog::logger>& log,
                  VictimSetup& s) {
  const fs::path trained = run_dir / "victim.h5";
  if (!c.victim.weights.empty()) {
    const victim::Graph weights = victim::load_model_file(c.victim.weights);
    victim::check_finite_weights(weights, c.path_origins.at("victim.weights").str());
    take_weights(s.graph, weights, c.path_origins.at("victim.weights").str());
  } else if (c.victim.train.enabled && fs::exists(trained)) {
    take_weights(s.graph, victim::load_model_file(trained.string()), trained.string());
    log->info("victim: trained before ({})", trained.string());
  } else if (c.victim.train.enabled) {
    check(s.data.train.labelled(), "victim.train: the dataset " + c.dataset.spec() +
                                       " has no labels (a flat folder of images); give the victim's weights instead");
    const victim::TrainOptions o = victim_train_options(c, run_dir / "checkpoints" / "victim.h5");
    const victim::TrainResult r = victim::train_victim(s.graph, s.data.train, s.data.test, o, training_log(log, "victim training"));
    if (r.resumed_from_step > 0) log->info("victim training resumed at step {}", r.resumed_from_step);
    s.graph.metadata["trained_on"] = c.dataset.spec();
    victim::save_model(trained.string(), s.graph);
  }
  s.accuracy = s.data.test.labelled() ? victim::accuracy(s.graph, s.data.test) : std::nan("");
}

victim::TrainOptions victim_train_options(const ExperimentConfig& c, const fs::path& checkpoint) {
  victim::TrainOptions o;
  const VictimTrainConfig& t = c.victim.train;
  o.epochs = t.epochs, o.batch_size = t.batch_size, o.optimizer = t.optimizer;
  o.lr = static_cast<float>(t.lr), o.momentum = static_cast<float>(t.momentum);
  o.weight_decay = static_cast<float>(t.weight_decay), o.lr_decay = t.lr_decay, o.seed = c.seed;
  o.checkpoint = checkpoint.string();
  o.resume = true;
  return o;
}

std::function<void(const victim::TrainProgress&)> training_log(const std::shared_ptr<spdlog::logger>& log,
                                                               const std::string& what) {
  auto last = std::make_shared<std::chrono::steady_clock::time_point>(std::chrono::steady_clock::now() - std::chrono::hours(1));
  return [log, what, last](const victim::TrainProgress& p) {
    if (!p.epoch_done && std::chrono::steady_clock::now() - *last < std::chrono::seconds(10)) return;
    *last = std::chrono::steady_clock::now();
    log->info("{}: epoch {}/{} step {}/{} loss {:.4f}, {:.0f} img/s, ETA {:.0f} s{}", what, p.epoch, p.epochs, p.step,
              p.steps_per_epoch, p.loss, p.images_per_second, p.eta_seconds,
              p.test_accuracy >= 0 ? ", test accuracy " + std::to_string(p.test_accuracy) : std::string());
  };
}

VictimSetup setup_victim(const ExperimentConfig& c, const fs::path& run_dir, const std::shared_ptr<spdlog::logger>& log) {
  const datasets::FolderStorage storage = folder_storage(c, run_dir, log);
  VictimSetup s = load_victim_and_data(c, &storage);
  give_weights(c, run_dir, log, s);
  return s;
}

std::vector<CutChoice> select_cuts(const victim::Graph& g, const VictimConfig& v) {
  std::vector<CutChoice> out;
  if (v.all_cuts) {
    for (int i : victim::valid_cuts(g)) out.push_back({g.nodes[i].name, i});
    check(!out.empty(), "victim " + v.model + " has no valid cut");
    return out;
  }
  std::vector<std::string> names;
  for (int i : victim::valid_cuts(g)) names.push_back(g.nodes[i].name);
  int previous = -1;
  for (size_t k = 0; k < v.cuts.size(); ++k) {
    const std::string& name = v.cuts[k];
    const std::string where = v.cut_origins.at(k).str();
    int index = -1;
    for (size_t i = 0; i < g.nodes.size(); ++i)
      if (g.nodes[i].name == name) index = static_cast<int>(i);
    check(index >= 0, where + ": no layer '" + name + "' in " + v.model + did_you_mean(name, names) +
                          " (splitleak inspect lists the cuts)");
    check(g.nodes[static_cast<size_t>(index)].candidate,
          where + ": '" + name + "' is not a cut: it only reshapes the layer before it (splitleak inspect lists the cuts)");
    check(victim::is_valid_cut(g, index), where + ": '" + name + "' is not a valid cut (a skip connection crosses it)");
    check(index > previous, where + ": cuts must be listed from the input on; '" + name + "' comes before the previous one");
    previous = index;
    out.push_back({name, index});
  }
  return out;
}

}  // namespace splitleak::experiments
