// `splitleak inspect MODEL [--input CxHxW]`: the model's layers (shape, parameters, FLOPs) and
// its valid cuts with the feature shape and the front/back split of FLOPs and weight bytes.
#include <cstdio>

#include "cli/commands.h"
#include "victim/accounting.h"
#include "victim/load.h"
#include "victim/partition.h"

namespace splitleak::cli {
namespace {

struct InspectOptions {
  std::string model, input;
  bool cuts_only = false;
};

std::string human(double v) {
  const char* units[] = {"", "K", "M", "G", "T"};
  int u = 0;
  while (v >= 1000 && u < 4) v /= 1000, ++u;
  char buf[32];
  std::snprintf(buf, sizeof buf, u ? "%.2f%s" : "%.0f%s", v, units[u]);
  return buf;
}

std::string dims(const Shape& s) {  // without the batch
  std::string out;
  for (size_t i = 1; i < s.size(); ++i) out += (i > 1 ? "x" : "") + std::to_string(s[i]);
  return out;
}

int run_inspect(const InspectOptions& o) {
  const victim::Graph g = victim::load_model(o.model, o.input.empty() ? Shape{} : victim::parse_chw(o.input));
  const int count = static_cast<int>(g.nodes.size());
  const auto costs = victim::node_costs(g);
  const victim::NodeCost total = victim::total_cost(g, 0, count);
  std::printf("model: %s\ninput: %s  output: %s\nparameters: %s (%s bytes of weights)  FLOPs per image: %s\n\n",
              o.model.c_str(), dims(g.input().shape).c_str(), dims(g.output().shape).c_str(),
              human(static_cast<double>(total.parameters)).c_str(), human(static_cast<double>(total.weight_bytes)).c_str(),
              human(static_cast<double>(total.flops)).c_str());
  if (!o.cuts_only) {
    std::printf("%4s  %-36s %-15s %-16s %10s %10s  %s\n", "#", "layer", "op", "output", "params", "FLOPs", "cut");
    for (int i = 0; i < count; ++i) {
      const auto& n = g.nodes[i];
      const bool cut = n.candidate && victim::is_valid_cut(g, i);
      std::printf("%4d  %-36s %-15s %-16s %10s %10s  %s\n", i, n.name.c_str(), victim::op_name(n.op),
                  dims(n.shape).c_str(), human(static_cast<double>(costs[i].parameters)).c_str(),
                  human(static_cast<double>(costs[i].flops)).c_str(), cut ? "yes" : "");
    }
    std::printf("\n");
  }
  std::printf("valid cuts (front runs in the TEE, back on the GPU):\n");
  std::printf("%-28s %-16s %12s %12s %14s %14s\n", "cut", "feature", "front FLOPs", "back FLOPs", "front weights",
              "back weights");
  for (int i : victim::valid_cuts(g)) {
    const victim::NodeCost front = victim::total_cost(g, 0, i + 1), back = victim::total_cost(g, i + 1, count);
    std::printf("%-28s %-16s %12s %12s %13sB %13sB\n", g.nodes[i].name.c_str(), dims(g.nodes[i].shape).c_str(),
                human(static_cast<double>(front.flops)).c_str(), human(static_cast<double>(back.flops)).c_str(),
                human(static_cast<double>(front.weight_bytes)).c_str(),
                human(static_cast<double>(back.weight_bytes)).c_str());
  }
  return 0;
}

const bool registered = add_command(
    {"inspect", "List a model's layers, shapes, parameters, FLOPs and valid cuts",
     [](CLI::App& sub) -> std::function<int()> {
       auto opts = std::make_shared<InspectOptions>();
       sub.add_option("model", opts->model, "MODEL: zoo spec (e.g. vgg16:width=0.25,input=1x32x32), .onnx or .h5")
           ->required();
       sub.add_option("--input", opts->input, "Input shape CxHxW (overrides the model's)");
       sub.add_flag("--cuts-only", opts->cuts_only, "Only the table of valid cuts");
       return [opts] { return run_inspect(*opts); };
     }});

}  // namespace
}  // namespace splitleak::cli
