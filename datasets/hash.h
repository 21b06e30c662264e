#pragma once
// Content hashes (BLAKE2b-128 through libsodium) in hex, for cache keys and model/data identity.
#include <string>
#include <vector>

#include "core/samples.h"
#include "core/tensor.h"

namespace splitleak::datasets {

// Over the shape and the float bytes.
std::string hash_tensor(const Tensor& t);
// hash_tensor of every row stacked, read a batch at a time.
std::string hash_samples(const Samples& samples);
// Over the strings with their lengths (so ("ab", "c") and ("a", "bc") differ).
std::string hash_strings(const std::vector<std::string>& parts);

}  // namespace splitleak::datasets
