#include "core/checkpoint.h"

#include <unordered_map>

#include "core/error.h"
#include "core/hdf5_io.h"

namespace splitleak {

void save_checkpoint(const std::string& path, const nn::Module& module, const optim::Optimizer* optimizer) {
  nn::NamedTensors all;
  for (auto& [name, t] : module.named_parameters()) all.emplace_back("params/" + name, t);
  for (auto& [name, t] : module.named_buffers()) all.emplace_back("buffers/" + name, t);
  if (optimizer)
    for (auto& [name, t] : optimizer->state()) all.emplace_back("optimizer/" + name, t);
  h5::write_tensors(path, all, {{"format", "splitleak.checkpoint/1"}});
}

void load_checkpoint(const std::string& path, nn::Module& module, optim::Optimizer* optimizer) {
  std::unordered_map<std::string, Tensor> stored;
  for (auto& [name, t] : h5::read_tensors(path)) stored.emplace(name, t);
  std::vector<std::pair<Tensor, Tensor>> copies;  // (destination, source)
  auto plan = [&](const std::string& key, Tensor dst) {
    auto it = stored.find(key);
    check(it != stored.end(), path + ": checkpoint has no '" + key + "'");
    check(it->second.shape() == dst.shape(), path + ": '" + key + "' has shape " + shape_str(it->second.shape()) +
                                                 ", the model expects " + shape_str(dst.shape()));
    copies.emplace_back(dst, it->second);
  };
  for (auto& [name, t] : module.named_parameters()) plan("params/" + name, t);
  for (auto& [name, t] : module.named_buffers()) plan("buffers/" + name, t);
  nn::NamedTensors opt_state;
  if (optimizer) {
    for (auto& [name, t] : stored)
      if (name.rfind("optimizer/", 0) == 0) opt_state.emplace_back(name.substr(10), t);
    check(!opt_state.empty(), path + ": checkpoint has no optimizer state");
  }
  if (optimizer) optimizer->load_state(opt_state);  // validates by name and shape before assigning
  for (auto& [dst, src] : copies) dst.copy_from(src.to(dst.device()));
}

}  // namespace splitleak
