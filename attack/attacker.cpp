#include "attack/attacker.h"

#include <map>

#include "core/error.h"

namespace splitleak::attack {
namespace {

struct Registered {
  AttackerFactory make;
  AttackerTraits traits;
};

std::map<std::string, Registered>& factories() {
  static std::map<std::string, Registered> all;
  return all;
}

// The factories, built-in attackers included (registered explicitly: a self-registering object
// file in a static library is dropped by the linker when nothing else references it).
std::map<std::string, Registered>& registry() {
  static const bool builtins = [] {
    register_inversion_attackers();
    register_white_box_attackers();
    register_hybrid_attacker();
    register_gan_prior_attacker();
    return true;
  }();
  (void)builtins;
  return factories();
}

const Registered& registered(const std::string& kind) {
  auto it = registry().find(kind);
  if (it == registry().end()) {
    std::string known;
    for (const auto& [k, r] : registry()) known += (known.empty() ? "" : ", ") + k;
    throw Error("unknown attacker '" + kind + "' (known: " + known + ")");
  }
  return it->second;
}

}  // namespace

bool register_attacker(const std::string& kind, AttackerFactory factory, AttackerTraits traits) {
  factories()[kind] = {std::move(factory), std::move(traits)};
  return true;
}

std::vector<std::string> attacker_kinds() {
  std::vector<std::string> kinds;
  for (const auto& [kind, factory] : registry()) kinds.push_back(kind);
  return kinds;
}

const AttackerTraits& attacker_traits(const std::string& kind) { return registered(kind).traits; }

std::unique_ptr<Attacker> make_attacker(const std::string& kind, const Config& config, const AttackContext& context) {
  std::unique_ptr<Attacker> attacker = registered(kind).make(config, context);
  config.check_all_used();
  return attacker;
}

}  // namespace splitleak::attack
