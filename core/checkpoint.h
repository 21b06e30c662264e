#pragma once
// Checkpoints: a module's parameters and buffers, and optionally an optimizer's state, in one
// HDF5 file (groups params/, buffers/, optimizer/), written atomically.
#include <string>

#include "core/nn/module.h"
#include "core/optim/optimizer.h"

namespace splitleak {

void save_checkpoint(const std::string& path, const nn::Module& module, const optim::Optimizer* optimizer = nullptr);
// Restores values in place; throws Error naming the file and the first missing or mis-shaped
// entry (nothing is half-loaded: every entry is checked before any is copied).
void load_checkpoint(const std::string& path, nn::Module& module, optim::Optimizer* optimizer = nullptr);

}  // namespace splitleak
