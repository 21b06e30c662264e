#pragma once
// A folder's images decoded once, through the folder's prefetch stream, into an HDF5 row file of
// bytes (core/hdf5_rows.h), then read back by rows: a folder larger than memory is decoded a
// batch at a time and afterwards read a batch at a time. The file's name is a hash of what
// decides its content (each file's path, size and modification time, the decoding options, the
// order and the row limit), so a changed folder is stored anew, never read stale; an entry that
// cannot be read back is removed and rebuilt.
#include <cstdint>
#include <string>
#include <vector>

#include "core/batches.h"
#include "datasets/image_folder.h"
#include "datasets/image_set.h"

namespace splitleak::datasets {

struct ImageStoreOptions {
  std::string dir;                // where the store files live (created when missing)
  int64_t in_memory_bytes = 0;    // a store of at most this many float bytes is read into memory
  int64_t batch = 64;             // images decoded per batch
  RowProgress progress;           // after each decoded batch: (rows stored, rows wanted)
};

// The first `limit` decodable images at `order` (indices into folder.files()), in that order,
// with their labels; fewer when the order holds fewer decodable images. Undecodable files are
// skipped as ImageFolder::load skips them, so the rows equal folder.load(order)'s first `limit`.
ImageRows stored_images(const ImageFolder& folder, const std::vector<int64_t>& order, int64_t limit,
                        const ImageStoreOptions& options);

}  // namespace splitleak::datasets
