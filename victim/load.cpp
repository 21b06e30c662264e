#include "victim/load.h"

#include <filesystem>

#include "core/error.h"
#include "core/finite.h"
#include "victim/model_file.h"
#include "victim/onnx_import.h"
#include "victim/zoo/zoo.h"

namespace splitleak::victim {
namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string chw_text(const Shape& chw) {
  std::string out;
  for (int64_t d : chw) {
    if (!out.empty()) out.push_back('x');
    out.append(std::to_string(d));
  }
  return out;
}

Graph checked_weights(Graph g, const std::string& model) {
  check_finite_weights(g, model);
  return g;
}

}  // namespace

void check_finite_weights(const Graph& g, const std::string& source) {
  for (const auto& [name, t] : g.tensors) check_finite(t, source + ": weight '" + name + "'");
}

Graph load_model(const std::string& model, const Shape& input_chw) {
  if (zoo::is_zoo_spec(model)) {
    return zoo::build(input_chw.empty() ? model : zoo::with_option(model, "input", chw_text(input_chw)));
  }
  std::error_code ec;  // a name too long for a path, say, is no file either
  if (!std::filesystem::exists(model, ec)) {
    std::string names;
    for (const auto& n : zoo::zoo_names()) names += (names.empty() ? "" : ", ") + n;
    throw Error("model '" + shown(model, 200) + "' is neither a zoo model (" + names + ") nor an existing .onnx or .h5 file");
  }
  if (ends_with(model, ".onnx")) return checked_weights(import_onnx(model, input_chw), model);
  check(ends_with(model, ".h5"), "model file '" + shown(model, 200) + "' must end in .onnx or .h5");
  Graph g = checked_weights(load_model_file(model), model);
  if (!input_chw.empty()) set_input_shape(g, input_chw);
  return g;
}

}  // namespace splitleak::victim
