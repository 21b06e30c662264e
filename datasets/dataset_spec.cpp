#include "datasets/dataset_spec.h"

#include "core/error.h"
#include "datasets/fashion_mnist.h"
#include "datasets/image_folder.h"
#include "datasets/image_store.h"
#include "datasets/split.h"
#include "datasets/ton_iot.h"

namespace splitleak::datasets {

TrainTest load_dataset(const std::string& spec, int64_t channels, int64_t size, uint64_t seed,
                       const FolderStorage* storage) {
  const size_t colon = spec.find(':');
  const std::string kind = spec.substr(0, colon), arg = colon == std::string::npos ? "" : spec.substr(colon + 1);
  if (kind == "fashion-mnist") {
    check(channels == 1 || channels == 3, "dataset '" + spec + "': the model must take 1 or 3 channels");
    FashionMnistOptions o;
    if (!arg.empty()) o.root = arg;
    o.size = size, o.channels = channels;
    return {load_fashion_mnist(Part::Train, o), load_fashion_mnist(Part::Test, o)};
  }
  if (kind == "folder") {
    check(!arg.empty(), "dataset '" + spec + "': give the folder as folder:PATH");
    ImageFolderOptions o;
    o.root = arg, o.size = size, o.channels = channels, o.resize_shorter = size * 256 / 224;
    const ImageFolder folder(o);
    const Split split = seeded_split(folder.size(), 0.8, seed);
    if (!storage) return {folder.load(split.first), folder.load(split.second)};
    ImageStoreOptions s;
    s.dir = storage->dir, s.in_memory_bytes = storage->in_memory_bytes;
    if (storage->progress) s.progress = storage->progress("training split");
    ImageRows train = stored_images(folder, split.first, storage->train_limit, s);
    if (storage->progress) s.progress = storage->progress("held-out split");
    return {std::move(train), stored_images(folder, split.second, storage->test_limit, s)};
  }
  if (kind == "ton-iot") {
    check(!arg.empty(), "dataset '" + spec + "': give the CSV as ton-iot:PATH");
    check(channels == 1, "dataset '" + spec + "': TON_IoT records are one-channel images; the model takes " +
                             std::to_string(channels) + " channels");
    TonIotOptions o;
    o.path = arg, o.seed = seed, o.side = size;
    TonIotData data = load_ton_iot(o);
    return {std::move(data.train), std::move(data.test)};
  }
  throw Error("unknown dataset '" + spec + "' (known: fashion-mnist[:ROOT], folder:PATH, ton-iot:CSV)");
}

}  // namespace splitleak::datasets
