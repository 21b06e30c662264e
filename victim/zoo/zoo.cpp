#include "victim/zoo/zoo.h"

#include <sstream>

#include "core/error.h"

namespace splitleak::victim::zoo {

std::vector<std::string> zoo_names() { return {"vgg16", "vgg16_bn", "resnet50", "efficientnet_b0", "lenet5"}; }

bool is_zoo_spec(const std::string& spec) {
  const std::string name = spec.substr(0, spec.find(':'));
  for (const auto& n : zoo_names())
    if (n == name) return true;
  return false;
}

Graph build(const std::string& name, const ZooOptions& options) {
  if (name == "vgg16") return vgg16(options, false);
  if (name == "vgg16_bn") return vgg16(options, true);
  if (name == "resnet50") return resnet50(options);
  if (name == "efficientnet_b0") return efficientnet_b0(options);
  if (name == "lenet5") return lenet5(options);
  std::string known;
  for (const auto& n : zoo_names()) known += (known.empty() ? "" : ", ") + n;
  throw Error("unknown zoo model '" + name + "' (known: " + known + ")");
}

namespace {

// The spec's key=value options in order; Error naming the spec for an item without '=' or a key
// given twice (which one would win is not for the reader to guess).
std::vector<std::pair<std::string, std::string>> options_of(const std::string& spec) {
  std::vector<std::pair<std::string, std::string>> out;
  const size_t colon = spec.find(':');
  if (colon == std::string::npos) return out;
  std::stringstream ss(spec.substr(colon + 1));
  std::string item;
  while (std::getline(ss, item, ',')) {
    const size_t eq = item.find('=');
    check(eq != std::string::npos, "model '" + shown(spec) + "': option '" + shown(item) + "' is not key=value");
    std::string key = item.substr(0, eq);
    for (const auto& [known, value] : out)
      check(known != key, "model '" + shown(spec) + "': option '" + shown(key) + "' given twice");
    out.emplace_back(std::move(key), item.substr(eq + 1));
  }
  return out;
}

}  // namespace

std::string with_option(const std::string& spec, const std::string& key, const std::string& value) {
  std::string out = spec.substr(0, spec.find(':'));
  bool replaced = false;
  for (const auto& [k, v] : options_of(spec)) {
    out += (out.find(':') == std::string::npos ? ":" : ",") + k + "=" + (k == key ? value : v);
    replaced = replaced || k == key;
  }
  if (!replaced) out += (out.find(':') == std::string::npos ? ":" : ",") + key + "=" + value;
  return out;
}

Graph build(const std::string& spec) {
  const std::string name = spec.substr(0, spec.find(':'));
  ZooOptions options;
  for (const auto& option : options_of(spec)) {
    const std::string& key = option.first;  // named, not bound: clang before 16 lets no lambda capture a binding
    const std::string& value = option.second;
    auto number = [&](auto& out) {
      std::stringstream vs(value);
      vs >> out;
      check(!vs.fail() && vs.eof(), "model '" + shown(spec) + "': " + shown(key) + "='" + shown(value) + "' is not a number");
    };
    if (key == "width") {
      number(options.width);
      check(options.width > 0 && options.width <= 8, "model '" + shown(spec) + "': width must be in (0, 8]");
    } else if (key == "input") {
      options.input = parse_chw(value);
    } else if (key == "classes") {
      number(options.classes);
      check(options.classes >= 1 && options.classes <= 1'000'000, "model '" + shown(spec) + "': classes must be in [1, 1000000]");
    } else if (key == "seed") {
      number(options.seed);
    } else {
      throw Error("model '" + shown(spec) + "': unknown option '" + shown(key) + "' (known: width, input, classes, seed)");
    }
  }
  Graph g = build(name, options);
  g.metadata["source"] = spec;
  return g;
}

}  // namespace splitleak::victim::zoo
