#pragma once
// Attacker checkpoints: named groups of tensors (parameters, buffers, optimizer state) and the
// training step, in one HDF5 file written atomically.
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/nn/module.h"

namespace splitleak::attack {

struct CheckpointGroup {
  std::string prefix;        // e.g. "generator/params"
  nn::NamedTensors tensors;  // handles; saved from, restored into
};

void write_attacker_checkpoint(const std::string& path, const std::string& kind, int64_t step,
                               const std::vector<CheckpointGroup>& groups);

// Restores every tensor of `groups` in place (each checked for presence and shape before any is
// copied) and returns the saved step; throws Error naming the file and the entry.
int64_t read_attacker_checkpoint(const std::string& path, const std::string& kind,
                                 const std::vector<CheckpointGroup>& groups,
                                 std::map<std::string, nn::NamedTensors>* optimizer_states = nullptr);

}  // namespace splitleak::attack
