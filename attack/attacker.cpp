#include "attack/attacker.h"

#include <map>

#include "core/error.h"

namespace splitleak::attack {
namespace {

std::map<std::string, AttackerFactory>& factories() {
  static std::map<std::string, AttackerFactory> all;
  return all;
}

// The factories, built-in attackers included (registered explicitly: a self-registering object
// file in a static library is dropped by the linker when nothing else references it).
std::map<std::string, AttackerFactory>& registry() {
  static const bool builtins = [] {
    register_inversion_attackers();
    register_white_box_attackers();
    return true;
  }();
  (void)builtins;
  return factories();
}

}  // namespace

bool register_attacker(const std::string& kind, AttackerFactory factory) {
  factories()[kind] = std::move(factory);
  return true;
}

std::vector<std::string> attacker_kinds() {
  std::vector<std::string> kinds;
  for (const auto& [kind, factory] : registry()) kinds.push_back(kind);
  return kinds;
}

std::unique_ptr<Attacker> make_attacker(const std::string& kind, const Config& config, const AttackContext& context) {
  auto it = registry().find(kind);
  if (it == registry().end()) {
    std::string known;
    for (const auto& k : attacker_kinds()) known += (known.empty() ? "" : ", ") + k;
    throw Error("unknown attacker '" + kind + "' (known: " + known + ")");
  }
  std::unique_ptr<Attacker> attacker = it->second(config, context);
  config.check_all_used();
  return attacker;
}

}  // namespace splitleak::attack
