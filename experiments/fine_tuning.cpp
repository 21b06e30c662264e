#include "experiments/fine_tuning.h"

#include "core/error.h"
#include "core/random.h"
#include "experiments/rank_steps.h"
#include "victim/defence_training.h"
#include "victim/model_file.h"
#include "victim/partition.h"
#include "victim/train.h"

namespace splitleak::experiments {
namespace fs = std::filesystem;
namespace {

// Fine-tunes `out`, a copy of the run's victim with its own weights, for defended node `node`.
void fine_tune(const ExperimentConfig& c, const fs::path& dir, const VictimSetup& setup, const RunInputs& in,
               const datasets::FeatureCache& cache, const AttackedNode& node, const std::shared_ptr<spdlog::logger>& log,
               victim::Graph& out) {
  const victim::DefenceSpec& spec = c.defences.at(node.defence).spec;
  victim::TrainOptions o = victim_train_options(c, dir / "checkpoints" / (node.file_stem + ".finetune.h5"));
  o.epochs = spec.finetune, o.seed = derive_seed(node.seed, 4);
  const auto progress = training_log(log, node_tag(c, node) + " fine-tuning");
  if (spec.kind == "nopeek") {
    o.objective = victim::nopeek_objective(node.index, spec.value);
    victim::train_victim(out, setup.data.train, datasets::ImageRows{}, o, progress);
    return;
  }
  // The back partition of `out` shares its weights, so training it trains them in `out`.
  const auto p = node_partition(c, in, cache, setup.graph, node, rank_device(c.runtime.attack_device), log);
  o.objective = victim::defended_features_objective(p->front);
  victim::Graph back = victim::partition(out, node.name).back;
  victim::train_victim(back, setup.data.train, datasets::ImageRows{}, o, progress);
}

}  // namespace

NodeVictims fine_tune_defences(const ExperimentConfig& c, const fs::path& dir, const RunPlan& plan, const VictimSetup& setup,
                               const RunInputs& in, const datasets::FeatureCache& cache,
                               const std::shared_ptr<spdlog::logger>& log) {
  NodeVictims victims;
  for (size_t k = plan.defended_base; k < plan.nodes.size(); ++k) {
    const AttackedNode& node = plan.nodes[k];
    if (c.defences.at(node.defence).spec.finetune == 0) continue;
    victim::Graph& g = victims[k] = victim::with_own_weights(setup.graph);
    on_root([&] {
      const fs::path saved = dir / "defended" / (node.file_stem + ".h5");
      if (fs::exists(saved)) {
        take_weights(g, victim::load_model_file(saved.string()), saved.string());
        log->info("{} fine-tuned before ({})", node_tag(c, node), saved.string());
        return;
      }
      if (!setup.data.train.labelled())
        throw Error(c.defences.at(node.defence).origin.str() + ": " + c.defences.at(node.defence).spec.label() +
                    " fine-tunes the victim, and the dataset " + c.dataset.spec() + " has no labels");
      fine_tune(c, dir, setup, in, cache, node, log, g);
      fs::create_directories(saved.parent_path());
      victim::save_model(saved.string(), g);
    });
    share_weights(g);
  }
  return victims;
}

const victim::Graph& node_victim(const NodeVictims& victims, size_t node, const victim::Graph& run_victim) {
  const auto it = victims.find(node);
  return it == victims.end() ? run_victim : it->second;
}

}  // namespace splitleak::experiments
