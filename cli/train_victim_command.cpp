// `splitleak train-victim --model MODEL --dataset SPEC --epochs N --out model.h5`: trains a
// victim with progress on stderr, checkpoints beside the output (or at --checkpoint), --resume.
// A folder dataset is decoded once into image stores (--data-cache) and trained on by batches.
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>

#include "cli/commands.h"
#include "core/error.h"
#include "datasets/dataset_spec.h"
#include "experiments/progress_log.h"
#include "victim/load.h"
#include "victim/model_file.h"
#include "victim/train.h"

namespace splitleak::cli {
namespace {

struct TrainVictimOptions {
  std::string model, dataset = "fashion-mnist", out, checkpoint, device = "cpu", data_cache;
  victim::TrainOptions train;
  int64_t limit_train = 0, limit_test = 0, data_in_memory_mib = 512;
};

std::string duration(double seconds) {
  const int64_t s = static_cast<int64_t>(seconds + 0.5);
  char buf[32];
  if (s >= 3600) std::snprintf(buf, sizeof buf, "%ldh%02ldm", static_cast<long>(s / 3600), static_cast<long>(s / 60 % 60));
  else std::snprintf(buf, sizeof buf, "%ldm%02lds", static_cast<long>(s / 60), static_cast<long>(s % 60));
  return buf;
}

datasets::ImageRows first(const datasets::ImageRows& set, int64_t limit) {
  return limit > 0 && limit < set.size() ? set.first(limit) : set;
}

// Where a folder's images go: image stores in --data-cache (default OUT.data), decoded with
// progress on stderr; only the images --limit-train and --limit-test keep are decoded.
datasets::FolderStorage folder_storage(const TrainVictimOptions& o) {
  datasets::FolderStorage s;
  s.dir = o.data_cache.empty() ? o.out + ".data" : o.data_cache;
  s.in_memory_bytes = o.data_in_memory_mib << 20;
  if (o.limit_train > 0) s.train_limit = o.limit_train;
  if (o.limit_test > 0) s.test_limit = o.limit_test;
  auto log = std::make_shared<spdlog::logger>("train-victim", std::make_shared<spdlog::sinks::stderr_sink_st>());
  log->set_pattern("%v");
  s.progress = [log, spec = o.dataset](const std::string& split) -> RowProgress {
    return experiments::ProgressLog(log, "decoding " + spec + ", " + split + ", into its image store");
  };
  return s;
}

int run_train_victim(TrainVictimOptions o) {
  o.train.device = parse_device(o.device);
  victim::Graph g = victim::load_model(o.model);
  const Shape& in = g.input().shape;
  check(in.size() == 4 && in[2] == in[3], "train-victim: the model must take square (C, H, W) images");
  check(o.data_in_memory_mib >= 0 && o.data_in_memory_mib <= (int64_t{1} << 30),
        "train-victim: --data-in-memory-mib must be in [0, 2^30]");
  const datasets::FolderStorage storage = folder_storage(o);
  const datasets::TrainTest data = datasets::load_dataset(o.dataset, in[1], in[2], o.train.seed, &storage);
  const datasets::ImageRows train = first(data.train, o.limit_train), test = first(data.test, o.limit_test);
  o.train.checkpoint = o.checkpoint.empty() ? o.out + ".checkpoint.h5" : o.checkpoint;
  const bool tty = ::isatty(STDERR_FILENO);
  std::fprintf(stderr, "training %s on %s: %ld train / %ld test images, %ld epochs, %s lr %g, batch %ld\n",
               o.model.c_str(), o.dataset.c_str(), static_cast<long>(train.size()), static_cast<long>(test.size()),
               static_cast<long>(o.train.epochs), o.train.optimizer.c_str(), o.train.lr,
               static_cast<long>(o.train.batch_size));
  // A line at every epoch end; in between, every 0.2 s on a TTY (rewritten in place), every 10 s
  // otherwise.
  auto last_print = std::chrono::steady_clock::now() - std::chrono::hours(1);
  auto progress = [&](const victim::TrainProgress& p) {
    const auto now = std::chrono::steady_clock::now();
    if (!p.epoch_done && now - last_print < std::chrono::milliseconds(tty ? 200 : 10000)) return;
    last_print = now;
    std::fprintf(stderr, "%sepoch %ld/%ld step %ld/%ld loss %.4f acc %.4f %.0f img/s ETA %s", tty ? "\r" : "",
                 static_cast<long>(p.epoch), static_cast<long>(p.epochs), static_cast<long>(p.step),
                 static_cast<long>(p.steps_per_epoch), p.loss, p.train_accuracy, p.images_per_second,
                 duration(p.eta_seconds).c_str());
    if (p.test_accuracy >= 0) std::fprintf(stderr, " test acc %.4f", p.test_accuracy);
    std::fprintf(stderr, "%s", tty && !p.epoch_done ? "" : "\n");
  };
  const victim::TrainResult r = victim::train_victim(g, train, test, o.train, progress);
  if (r.resumed_from_step > 0) std::fprintf(stderr, "resumed at step %ld\n", static_cast<long>(r.resumed_from_step));
  g.metadata["trained_on"] = o.dataset;
  g.metadata["test_accuracy"] = std::to_string(r.test_accuracy);
  g.metadata["epochs"] = std::to_string(o.train.epochs);
  victim::save_model(o.out, g);
  std::printf("test_accuracy=%.4f\nseconds=%.1f\nmodel=%s\n", r.test_accuracy, r.seconds, o.out.c_str());
  return 0;
}

const bool registered = add_command(
    {"train-victim", "Train a victim model on a labelled dataset; writes a splitleak .h5 model",
     [](CLI::App& sub) -> std::function<int()> {
       auto o = std::make_shared<TrainVictimOptions>();
       sub.add_option("--model", o->model, "MODEL: zoo spec (e.g. lenet5, vgg16_bn:width=0.25,input=1x32x32,classes=10), "
                                           ".onnx or .h5")->required();
       sub.add_option("--dataset", o->dataset, "fashion-mnist[:ROOT], folder:PATH or ton-iot:CSV")->capture_default_str();
       sub.add_option("--out", o->out, "Output model file (.h5)")->required()->check(output_file());
       sub.add_option("--epochs", o->train.epochs, "Epochs")->capture_default_str();
       sub.add_option("--batch-size", o->train.batch_size, "Batch size")->capture_default_str();
       sub.add_option("--optimizer", o->train.optimizer, "adam or sgd")->capture_default_str()
           ->check(CLI::IsMember({"adam", "sgd"}));
       sub.add_option("--lr", o->train.lr, "Learning rate")->capture_default_str();
       sub.add_option("--momentum", o->train.momentum, "SGD momentum")->capture_default_str();
       sub.add_option("--weight-decay", o->train.weight_decay, "Weight decay")->capture_default_str();
       sub.add_flag("--lr-decay", o->train.lr_decay, "Decay the learning rate linearly to 0 over the second half");
       sub.add_option("--seed", o->train.seed, "Seed of batch order and dropout")->capture_default_str();
       sub.add_option("--checkpoint", o->checkpoint, "Checkpoint file (default: OUT.checkpoint.h5)")->check(output_file());
       sub.add_flag("--resume", o->train.resume, "Continue from the checkpoint when it exists");
       sub.add_option("--checkpoint-seconds", o->train.checkpoint_seconds, "Mid-epoch checkpoint interval")
           ->capture_default_str();
       sub.add_option("--device", o->device, "cpu, or opencl[:P:D] (splitleak devices): where the weights train")
           ->capture_default_str();
       sub.add_option("--limit-train", o->limit_train, "Use only the first N training images (0: all)");
       sub.add_option("--limit-test", o->limit_test, "Use only the first N test images (0: all)");
       sub.add_option("--data-cache", o->data_cache, "Where a folder dataset's decoded image stores are kept and "
                                                     "reused (default: OUT.data)");
       sub.add_option("--data-in-memory-mib", o->data_in_memory_mib,
                      "A decoded split up to this size is read into memory; a larger one by batches from disk")
           ->capture_default_str();
       return [o] { return run_train_victim(*o); };
     }});

}  // namespace
}  // namespace splitleak::cli
