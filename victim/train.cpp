#include "victim/train.h"

#include <chrono>
#include <cmath>
#include <filesystem>
#include <memory>

#include "core/autograd.h"
#include "core/error.h"
#include "core/hdf5_io.h"
#include "core/ops.h"
#include "core/optim/optimizer.h"
#include "datasets/split.h"
#include "victim/execute.h"

namespace splitleak::victim {
namespace {

using Clock = std::chrono::steady_clock;

uint64_t mix(uint64_t seed, uint64_t a, uint64_t b) {
  uint64_t h = seed * 0x9E3779B97F4A7C15ull ^ (a + 0x632BE59BD9B4E019ull) * 0xBF58476D1CE4E5B9ull;
  h ^= (b + 1) * 0x94D049BB133111EBull;
  return h ^ (h >> 31);
}

Tensor labels_tensor(const std::vector<int64_t>& labels) {
  Tensor t = Tensor::empty({static_cast<int64_t>(labels.size())});
  for (size_t i = 0; i < labels.size(); ++i) t.data()[i] = static_cast<float>(labels[i]);
  return t;
}

int64_t argmax_row(const float* row, int64_t n) {
  int64_t best = 0;
  for (int64_t j = 1; j < n; ++j)
    if (row[j] > row[best]) best = j;
  return best;
}

// Checkpoint: params/, buffers/, optimizer/ and the position (epoch, step) and running sums.
void save_state(const std::string& path, const Graph& g, const optim::Optimizer& opt, int64_t epoch, int64_t step,
                double loss_sum, int64_t correct, int64_t seen) {
  nn::NamedTensors all;
  for (const auto& [name, t] : g.parameters()) all.emplace_back("params/" + name, t);
  for (const auto& [name, t] : g.buffer_tensors()) all.emplace_back("buffers/" + name, t);
  for (const auto& [name, t] : opt.state()) all.emplace_back("optimizer/" + name, t);
  all.emplace_back("position", Tensor::from_vector({5}, {static_cast<float>(epoch), static_cast<float>(step),
                                                         static_cast<float>(correct), static_cast<float>(seen), 0}));
  all.emplace_back("loss_sum", Tensor::from_vector({1}, {static_cast<float>(loss_sum)}));
  h5::write_tensors(path, all, {{"format", "splitleak.victim_checkpoint/1"}});
}

}  // namespace

double accuracy(const Graph& graph, const datasets::ImageRows& set, int64_t batch_size) {
  check(set.labelled(), "accuracy: the images have no labels");
  autograd::NoGradGuard no_grad;
  const Device device = device_of(graph);
  int64_t correct = 0;
  for (int64_t begin = 0; begin < set.size(); begin += batch_size) {
    const int64_t end = std::min(set.size(), begin + batch_size);
    const Tensor logits = run(graph, set.images->read_range(begin, end).to(device)).to(Device{});
    const int64_t classes = logits.size(1);
    for (int64_t i = 0; i < end - begin; ++i)
      correct += argmax_row(logits.data() + i * classes, classes) == set.labels[begin + i];
  }
  return set.size() ? static_cast<double>(correct) / set.size() : 0.0;
}

TrainResult train_victim(Graph& g, const datasets::ImageRows& train, const datasets::ImageRows& test,
                         const TrainOptions& o, const std::function<void(const TrainProgress&)>& progress) {
  check(o.epochs >= 1 && o.batch_size >= 1 && o.lr > 0, "train-victim: epochs, batch size and lr must be positive");
  check(train.size() > 0, "train-victim: the training set is empty");
  check(train.labelled(), "train-victim: the training images have no labels (a flat folder); a victim trains on "
                          "labelled images (class subfolders)");
  const int64_t classes = g.output().shape.size() == 2 ? g.output().shape[1] : 0;
  check(!train.class_names.empty() && classes >= static_cast<int64_t>(train.class_names.size()),
        "train-victim: the model has " + std::to_string(classes) + " outputs, the dataset " +
            std::to_string(train.class_names.size()) + " classes (set classes= on the model)");
  for (auto& [name, t] : g.parameters()) t.set_requires_grad(true);
  // The weights on o.device for the run (in place: every handle of them follows), back at its end.
  struct OnDevice {
    Graph& g;
    OnDevice(Graph& graph, const Device& d) : g(graph) {
      for (auto& [name, t] : g.tensors) t.move_to(d);
    }
    ~OnDevice() {
      for (auto& [name, t] : g.tensors) t.move_to(Device{});
    }
  } on_device(g, o.device);
  std::unique_ptr<optim::Optimizer> opt;
  if (o.optimizer == "adam") {
    optim::AdamOptions a;
    a.lr = o.lr, a.weight_decay = o.weight_decay;
    opt = std::make_unique<optim::Adam>(g.parameters(), a);
  } else if (o.optimizer == "sgd") {
    optim::SgdOptions s;
    s.lr = o.lr, s.momentum = o.momentum, s.weight_decay = o.weight_decay;
    opt = std::make_unique<optim::Sgd>(g.parameters(), s);
  } else {
    throw Error("train-victim: unknown optimizer '" + o.optimizer + "' (adam, sgd)");
  }
  const Objective objective = o.objective ? o.objective : [](const Graph& graph, const Tensor& images, const Tensor& labels,
                                                             const RunOptions& run_options) {
    const Tensor logits = run(graph, images, run_options);
    return StepLoss{logits, ops::cross_entropy(logits, labels)};
  };
  const int64_t steps_per_epoch = (train.size() + o.batch_size - 1) / o.batch_size;
  const int64_t total_steps = steps_per_epoch * o.epochs;
  optim::LrSchedule schedule;
  schedule.base_lr = o.lr;
  if (o.lr_decay) {
    schedule.kind = optim::LrSchedule::Kind::LinearDecay;
    schedule.constant_steps = total_steps / 2, schedule.decay_steps = total_steps - total_steps / 2;
  }

  TrainResult result;
  int64_t start_epoch = 0, start_step = 0, correct = 0, seen = 0;
  double loss_sum = 0;
  std::error_code ec;
  if (o.resume && !o.checkpoint.empty() && std::filesystem::exists(o.checkpoint, ec)) {
    const nn::NamedTensors all = h5::read_tensors(o.checkpoint);
    std::map<std::string, Tensor> by_name(all.begin(), all.end());
    auto take = [&](const std::string& key, Tensor& dst) {
      auto it = by_name.find(key);
      check(it != by_name.end() && it->second.shape() == dst.shape(),
            o.checkpoint + ": checkpoint entry '" + key + "' is missing or mis-shaped (another model?)");
      dst.copy_from(it->second.to(dst.device()));
    };
    for (auto& [name, t] : g.parameters()) take("params/" + name, t);
    for (auto& [name, t] : g.buffer_tensors()) take("buffers/" + name, t);
    nn::NamedTensors state;
    for (const auto& [key, t] : all)
      if (key.rfind("optimizer/", 0) == 0) state.emplace_back(key.substr(10), t);
    opt->load_state(state);
    const std::vector<float> pos = by_name.at("position").to_vector();
    start_epoch = static_cast<int64_t>(pos[0]), start_step = static_cast<int64_t>(pos[1]);
    correct = static_cast<int64_t>(pos[2]), seen = static_cast<int64_t>(pos[3]);
    loss_sum = by_name.at("loss_sum").item();
    result.resumed_from_step = start_epoch * steps_per_epoch + start_step;
  }

  const auto t_start = Clock::now();
  auto last_checkpoint = t_start;
  int64_t steps_this_run = 0;
  for (int64_t epoch = start_epoch; epoch < o.epochs; ++epoch) {
    const std::vector<int64_t> order = datasets::seeded_permutation(train.size(), mix(o.seed, epoch, 0));
    const int64_t first_step = epoch == start_epoch ? start_step : 0;
    if (first_step == 0) loss_sum = 0, correct = 0, seen = 0;
    for (int64_t step = first_step; step < steps_per_epoch; ++step) {
      const int64_t begin = step * o.batch_size, end = std::min(train.size(), begin + o.batch_size);
      const datasets::ImageSet batch = train.read(std::vector<int64_t>(order.begin() + begin, order.begin() + end));
      Generator gen(mix(o.seed, epoch, step + 1));
      opt->set_lr(schedule.lr_at(epoch * steps_per_epoch + step));
      const StepLoss step_loss = objective(g, batch.images.to(o.device), labels_tensor(batch.labels).to(o.device),
                                           {true, &gen, nullptr, {}});
      const Tensor& logits = step_loss.logits;
      const Tensor& loss = step_loss.loss;
      opt->zero_grad();
      loss.backward();
      opt->step();
      const float loss_value = loss.item();
      check(std::isfinite(loss_value), "train-victim: the loss diverged (" + std::to_string(loss_value) +
                                           ") at epoch " + std::to_string(epoch + 1) + "; lower --lr");
      loss_sum += loss_value * (end - begin);
      const Tensor host_logits = logits.detach().to(Device{});
      for (int64_t i = 0; i < end - begin; ++i)
        correct += argmax_row(host_logits.data() + i * classes, classes) == batch.labels[i];
      seen += end - begin;
      ++steps_this_run;
      const bool epoch_done = step + 1 == steps_per_epoch;
      double test_acc = -1;
      if (epoch_done && test.size()) test_acc = result.test_accuracy = accuracy(g, test);
      result.final_loss = loss_sum / seen;
      const double elapsed = std::chrono::duration<double>(Clock::now() - t_start).count();
      const int64_t remaining = total_steps - (epoch * steps_per_epoch + step + 1);
      if (progress)
        progress({epoch + 1, o.epochs, step + 1, steps_per_epoch, loss_sum / seen, static_cast<double>(correct) / seen,
                  steps_this_run * static_cast<double>(o.batch_size) / std::max(elapsed, 1e-9),
                  elapsed / steps_this_run * remaining, epoch_done, test_acc});
      const bool timed = std::chrono::duration<double>(Clock::now() - last_checkpoint).count() >= o.checkpoint_seconds;
      if (!o.checkpoint.empty() && (epoch_done || timed)) {
        if (epoch_done)
          save_state(o.checkpoint, g, *opt, epoch + 1, 0, 0, 0, 0);
        else
          save_state(o.checkpoint, g, *opt, epoch, step + 1, loss_sum, correct, seen);
        last_checkpoint = Clock::now();
      }
    }
  }
  if (start_epoch >= o.epochs) result.test_accuracy = test.size() ? accuracy(g, test) : 0.0;
  result.seconds = std::chrono::duration<double>(Clock::now() - t_start).count();
  for (auto& [name, t] : g.parameters()) t.set_requires_grad(false);
  return result;
}

}  // namespace splitleak::victim
