#pragma once
// A dataset named on the command line, loaded as a train/test pair of image sets shaped for a
// model's input:
//   fashion-mnist[:ROOT]   the official 60,000/10,000 split (ROOT defaults to Debian's)
//   folder:PATH            an ImageNet-style folder (class subfolders), or a flat folder of
//                          unlabelled images (CelebA-style), seeded 80/20 split
//   ton-iot:CSV            TON_IoT network records as images, seeded 80/20 split ("label" target)
#include <functional>
#include <limits>
#include <string>

#include "datasets/image_set.h"

namespace splitleak::datasets {

struct TrainTest {
  ImageRows train, test;
};

// Where a folder's images go when they should not be held in memory: decoded once into image
// stores (image_store.h) in `dir`, each split only up to its limit of images.
struct FolderStorage {
  std::string dir;
  int64_t in_memory_bytes = 0;
  int64_t train_limit = std::numeric_limits<int64_t>::max();
  int64_t test_limit = std::numeric_limits<int64_t>::max();
  // The progress callback for storing a split ("training split", "held-out split"): called with
  // (rows stored, rows wanted) while it is decoded. Empty: none.
  std::function<RowProgress(const std::string& split)> progress;
};

// Images become (channels, size, size) (resized or channel-replicated where the source allows;
// TON_IoT records are zero padded to the side, which must hold them). A folder is loaded into
// memory, or with `storage` read from its image stores. Throws Error naming the spec.
TrainTest load_dataset(const std::string& spec, int64_t channels, int64_t size, uint64_t seed = 0,
                       const FolderStorage* storage = nullptr);

}  // namespace splitleak::datasets
