#include "victim/load.h"

#include <filesystem>

#include "core/error.h"
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

}  // namespace

Graph load_model(const std::string& model, const Shape& input_chw) {
  if (zoo::is_zoo_spec(model)) {
    if (input_chw.empty()) return zoo::build(model);
    const bool has_options = model.find(':') != std::string::npos;
    return zoo::build(model + (has_options ? "," : ":") + "input=" + chw_text(input_chw));
  }
  if (!std::filesystem::exists(model)) {
    std::string names;
    for (const auto& n : zoo::zoo_names()) names += (names.empty() ? "" : ", ") + n;
    throw Error("model '" + model + "' is neither a zoo model (" + names + ") nor an existing .onnx or .h5 file");
  }
  if (ends_with(model, ".onnx")) return import_onnx(model, input_chw);
  check(ends_with(model, ".h5"), "model file '" + model + "' must end in .onnx or .h5");
  Graph g = load_model_file(model);
  if (!input_chw.empty()) set_input_shape(g, input_chw);
  return g;
}

}  // namespace splitleak::victim
