#include "attack/attacker_checkpoint.h"

#include "core/error.h"
#include "core/hdf5_io.h"

namespace splitleak::attack {

void write_attacker_checkpoint(const std::string& path, const std::string& kind, int64_t step,
                               const std::vector<CheckpointGroup>& groups) {
  nn::NamedTensors all;
  for (const auto& g : groups)
    for (const auto& [name, t] : g.tensors) all.emplace_back(g.prefix + "/" + name, t);
  h5::write_tensors(path, all, {{"format", "splitleak.attacker_checkpoint/1"}, {"kind", kind},
                                {"step", std::to_string(step)}});
}

int64_t read_attacker_checkpoint(const std::string& path, const std::string& kind,
                                 const std::vector<CheckpointGroup>& groups,
                                 std::map<std::string, nn::NamedTensors>* optimizer_states) {
  const auto attrs = h5::read_attributes(path);
  auto it = attrs.find("kind");
  check(attrs.count("format") && attrs.at("format") == "splitleak.attacker_checkpoint/1" && it != attrs.end() &&
            attrs.count("step"),
        path + ": not an attacker checkpoint");
  check(it->second == kind, path + ": a checkpoint of attacker '" + it->second + "', not '" + kind + "'");
  std::map<std::string, Tensor> saved;
  for (auto& [name, t] : h5::read_tensors(path)) saved[name] = t;
  for (const auto& g : groups)
    for (const auto& [name, t] : g.tensors) {
      auto s = saved.find(g.prefix + "/" + name);
      check(s != saved.end() && s->second.shape() == t.shape(),
            path + ": entry '" + g.prefix + "/" + name + "' is missing or mis-shaped (another configuration?)");
    }
  for (const auto& g : groups)
    for (const auto& [name, t] : g.tensors) {
      Tensor dst = t;
      dst.copy_from(saved.at(g.prefix + "/" + name).to(dst.device()));
    }
  if (optimizer_states)
    for (auto& [prefix, state] : *optimizer_states) {
      state.clear();
      for (const auto& [name, t] : saved)
        if (name.rfind(prefix + "/", 0) == 0) state.emplace_back(name.substr(prefix.size() + 1), t);
    }
  return std::stoll(attrs.at("step"));
}

}  // namespace splitleak::attack
