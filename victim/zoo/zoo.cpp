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

Graph build(const std::string& spec) {
  const size_t colon = spec.find(':');
  const std::string name = spec.substr(0, colon);
  ZooOptions options;
  if (colon != std::string::npos) {
    std::stringstream ss(spec.substr(colon + 1));
    std::string item;
    while (std::getline(ss, item, ',')) {
      const size_t eq = item.find('=');
      check(eq != std::string::npos, "model '" + spec + "': option '" + item + "' is not key=value");
      const std::string key = item.substr(0, eq), value = item.substr(eq + 1);
      auto number = [&](auto& out) {
        std::stringstream vs(value);
        vs >> out;
        check(!vs.fail() && vs.eof(), "model '" + spec + "': " + key + "='" + value + "' is not a number");
      };
      if (key == "width") {
        number(options.width);
        check(options.width > 0 && options.width <= 8, "model '" + spec + "': width must be in (0, 8]");
      } else if (key == "input") {
        options.input = parse_chw(value);
      } else if (key == "classes") {
        number(options.classes);
        check(options.classes >= 1, "model '" + spec + "': classes must be >= 1");
      } else if (key == "seed") {
        number(options.seed);
      } else {
        throw Error("model '" + spec + "': unknown option '" + key + "' (known: width, input, classes, seed)");
      }
    }
  }
  Graph g = build(name, options);
  g.metadata["source"] = spec;
  return g;
}

}  // namespace splitleak::victim::zoo
