#pragma once
// The victim side of a run: the model loaded, given its weights or trained (checkpointed in the
// run directory, so a killed run resumes training and a finished one is not trained again), the
// dataset shaped for its input, its accuracy, and the cuts to sweep.
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "datasets/dataset_spec.h"
#include "datasets/ton_iot.h"
#include "experiments/experiment.h"
#include "victim/graph.h"
#include "victim/train.h"

namespace spdlog {
class logger;
}

namespace splitleak::experiments {

// The dataset of a run shaped for the victim's input (channels, size x size). For TON_IoT the
// table, its split and codec come with it, so reconstructions decode back into records.
struct ExperimentData {
  datasets::TrainTest data;
  std::shared_ptr<const datasets::TonIotData> records;  // ton-iot only
};
// A folder is read from its image stores when `storage` is given, else into memory.
ExperimentData load_experiment_data(const ExperimentConfig& config, int64_t channels, int64_t size,
                                    const datasets::FolderStorage* storage = nullptr);

// Where a run keeps a folder's image stores (its cache/), what it holds in memory
// (runtime.data_in_memory_mib) and how much of the training split it needs: all of it when it
// trains the victim, the auxiliary images when they are disjoint, else none.
datasets::FolderStorage folder_storage(const ExperimentConfig& config, const std::filesystem::path& run_dir,
                                       const std::shared_ptr<spdlog::logger>& log);

struct VictimSetup {
  victim::Graph graph;
  datasets::TrainTest data;
  std::shared_ptr<const datasets::TonIotData> records;  // ton-iot only: data.test is its test rows, in order
  double accuracy = 0;  // top-1 on data.test; NaN when it has no labels
};

// The victim with the weights its model file or zoo entry gives, and the data shaped for its input.
// Throws Error naming `where` unless `source` holds every weight of `graph` with its shape.
void check_weights_fit(const victim::Graph& graph, const victim::Graph& source, const std::string& where);
// check_weights_fit, then every weight of `graph` copied from `source` by name.
void take_weights(victim::Graph& graph, const victim::Graph& source, const std::string& where);

// The images dataset.path holds when it is an image folder (scanned, not decoded: entries that
// are not readable images are warned about and counted as the run counts them); 0 otherwise.
int64_t folder_image_count(const ExperimentConfig& config);

// victim.model as the run builds it, dataset.channels and dataset.size applied to its input; the
// weights are the model file's or the zoo's initial ones.
victim::Graph experiment_model(const ExperimentConfig& config);
VictimSetup load_victim_and_data(const ExperimentConfig& config, const datasets::FolderStorage* storage = nullptr);
// The victim's weights (victim.weights, trained before in `run_dir`, or trained now and saved
// there), then its accuracy.
void give_weights(const ExperimentConfig& config, const std::filesystem::path& run_dir,
                  const std::shared_ptr<spdlog::logger>& log, VictimSetup& setup);
// victim.train's settings (the run's seed), checkpointing to `checkpoint` and resuming from it.
victim::TrainOptions victim_train_options(const ExperimentConfig& config, const std::filesystem::path& checkpoint);
// Logs training progress as "<what>: epoch e/E step s/S ..." every 10 s and at each epoch end.
std::function<void(const victim::TrainProgress&)> training_log(const std::shared_ptr<spdlog::logger>& log,
                                                               const std::string& what);
// load_victim_and_data, then give_weights.
// Throws Error naming the key when the dataset is too small for dataset.aux / dataset.test, when
// weights do not fit the model, and so on.
VictimSetup setup_victim(const ExperimentConfig& config, const std::filesystem::path& run_dir,
                         const std::shared_ptr<spdlog::logger>& log);

// Throws Error naming the key when `data` holds fewer images than dataset.test (test split) or,
// with disjoint auxiliary data, dataset.aux (train split).
void check_dataset_sizes(const ExperimentConfig& config, const datasets::TrainTest& data);

struct CutChoice {
  std::string name;
  int index = 0;  // node index
};

// victim.cuts resolved against the graph: `all` gives every valid cut; a listed name must be a
// node and a valid cut (Error naming the list entry's file and line, with a "did you mean").
std::vector<CutChoice> select_cuts(const victim::Graph& graph, const VictimConfig& config);

}  // namespace splitleak::experiments
