#include "experiments/node_data.h"

#include "attack/evaluator.h"
#include "attack/threat_model.h"
#include "core/device.h"
#include "core/random.h"
#include "datasets/hash.h"
#include "experiments/progress_log.h"
#include "experiments/rank_steps.h"
#include "victim/defence.h"
#include "victim/execute.h"
#include "victim/partition.h"

namespace splitleak::experiments {
namespace {

std::string model_hash(const victim::Graph& g) {
  std::vector<std::string> parts{g.input().name};
  for (const auto& n : g.nodes) parts.push_back(n.name + "/" + std::to_string(n.op.index()));
  for (const auto& [name, t] : g.tensors) parts.push_back(name + "=" + datasets::hash_tensor(t));
  return datasets::hash_strings(parts);
}

// The feature maps at `node`, behind front partition `p`, extracted on the attack device and
// cached per device (float rounding differs between them).
// A defended node's features are keyed by the cut and the defence.
datasets::FeatureKey feature_key(const ExperimentConfig& c, const RunInputs& in, const Device& attack_device,
                                 const AttackedNode& node, bool aux) {
  // "aux/rows": auxiliary features computed a row at a time (older entries, computed by batches,
  // are not reused).
  std::string node_key = node.name, split = aux ? "aux/rows" : "test";
  if (node.defence > 0) node_key.append("~").append(c.defences[node.defence].spec.label());
  if (attack_device.opencl) split.append("@").append(attack_device.spec());
  return {in.model_hash, node_key, aux ? in.aux_hash : in.target_hash, split};
}

// Of the auxiliary images, each row computed alone (victim::run_rows: a row's features do not
// depend on the rows read with it, and a random defence draws from the attacker's own seed and the
// row's index), so cached and recomputed features agree bit for bit. Cached: computed and written
// 128 rows at a time, held in memory up to runtime.data_in_memory_mib, else read from the cache
// entry a batch at a time. Recomputed: the front runs on every batch read.
SamplesPtr aux_features(const ExperimentConfig& c, const RunInputs& in, const datasets::FeatureCache& cache,
                        const victim::Partition& p, const Device& attack_device, const AttackedNode& node,
                        const std::shared_ptr<spdlog::logger>& log) {
  auto front = std::make_shared<const victim::Graph>(victim::on_device(p.front, attack_device));
  const uint64_t attacker_draws = derive_seed(node.seed, 1);
  RowMap features = [front, attacker_draws](const std::vector<int64_t>& rows, const Tensor& images) {
    return victim::run_rows(*front, images, rows, attacker_draws);
  };
  if (in.recompute_features) {
    const Shape& out = p.front.nodes.back().shape;
    return mapped_rows(in.aux_images, Shape(out.begin() + 1, out.end()), std::move(features));
  }
  return cache.rows(feature_key(c, in, attack_device, node, true), *in.aux_images, 128, features,
                    c.runtime.data_in_memory_mib << 20, ProgressLog(log, node_tag(c, node) + " auxiliary features"));
}

}  // namespace

RunInputs prepare_inputs(const ExperimentConfig& c, const VictimSetup& setup, bool recompute_features) {
  RunInputs in;
  in.recompute_features = recompute_features;
  in.targets = setup.data.test.read_range(0, c.dataset.test);
  in.aux_images = attack::auxiliary_images(attack::parse_aux_data(c.dataset.aux_data), in.targets.images,
                                           setup.data.train.images, c.dataset.aux, c.seed + 17);
  in.target_classes = attack::top1_classes(setup.graph, in.targets.images);
  in.model_hash = model_hash(setup.graph);
  in.aux_hash = datasets::hash_samples(*in.aux_images), in.target_hash = datasets::hash_tensor(in.targets.images);
  if (setup.records) in.records = RecordScorer(setup.records, in.targets.size());
  return in;
}

// Of the held-out inputs: in memory. A random defence draws from the node's seed, standing in for
// the enclave's per-input draws (which the attacker does not know).
Tensor target_features(const ExperimentConfig& c, const RunInputs& in, const datasets::FeatureCache& cache,
                       const victim::Partition& p, const Device& attack_device, const AttackedNode& node,
                       const std::shared_ptr<spdlog::logger>& log) {
  return cache.get_or_compute(feature_key(c, in, attack_device, node, false), [&] {
    Generator enclave_draws(derive_seed(node.seed, 2));
    return victim::run_in_batches(victim::on_device(p.front, attack_device), in.targets.images, 128,
                                  ProgressLog(log, node_tag(c, node) + " held-out features"), &enclave_draws);
  });
}

// The partition at `node`: the cut's of `g` (the node's victim), with a defence that transforms
// the features appended to the front and fitted on the cut's undefended auxiliary features
// (victim/defence.h).
std::shared_ptr<const victim::Partition> node_partition(const ExperimentConfig& c, const RunInputs& in,
                                                        const datasets::FeatureCache& cache, const victim::Graph& g,
                                                        const AttackedNode& node, const Device& attack_device,
                                                        const std::shared_ptr<spdlog::logger>& log) {
  auto p = std::make_shared<victim::Partition>(victim::partition(g, node.name));
  if (!victim::transforms_features(c.defences.at(node.defence).spec)) return p;
  AttackedNode undefended = node;
  undefended.defence = 0;
  const SamplesPtr plain = aux_features(c, in, cache, *p, attack_device, undefended, log);
  victim::FeatureStatistics statistics;
  for (int64_t b = 0; b < plain->size(); b += 256) statistics.add(plain->read_range(b, std::min(plain->size(), b + 256)));
  p->front = victim::defend(p->front, c.defences[node.defence].spec, statistics);
  return p;
}

// Everything the attackers at an attacked node need.
CutData node_data(const ExperimentConfig& c, const RunInputs& in, const datasets::FeatureCache& cache,
                  const victim::Graph& g, const AttackedNode& node, const std::shared_ptr<spdlog::logger>& log) {
  CutData d;
  d.name = node.name, d.file_stem = node.file_stem, d.seed = node.seed;
  d.aux_images = in.aux_images, d.target_images = in.targets.images, d.target_classes = in.target_classes;
  d.score_records = in.records;
  const Device attack_device = rank_device(c.runtime.attack_device);
  d.partition = node_partition(c, in, cache, g, node, attack_device, log);
  const victim::Partition& p = *d.partition;
  d.aux_features = aux_features(c, in, cache, p, attack_device, node, log);
  d.target_features = target_features(c, in, cache, p, attack_device, node, log);
  d.context = {Shape(g.nodes[node.index].shape.begin() + 1, g.nodes[node.index].shape.end()),
               Shape(g.input().shape.begin() + 1, g.input().shape.end()), &p.front, attack_device};
  return d;
}

}  // namespace splitleak::experiments
