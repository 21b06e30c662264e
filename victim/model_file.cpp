#include "victim/model_file.h"

#include <functional>
#include <nlohmann/json.hpp>

#include "core/byte_stream.h"
#include "core/error.h"
#include "core/hdf5_io.h"
#include "core/tensor_bytes.h"

namespace splitleak::victim {
namespace {

using json = nlohmann::json;
constexpr const char* kFormat = "splitleak.model/1";
constexpr const char* kBytesMagic = "SLMODEL1";

json attrs_json(const Attributes& a) {
  return {{"kernel", a.kernel}, {"stride", a.stride}, {"dilation", a.dilation}, {"out_size", a.out_size},
          {"pads", a.pads},     {"groups", a.groups}, {"ceil_mode", a.ceil_mode},
          {"count_include_pad", a.count_include_pad}, {"eps", a.eps}, {"momentum", a.momentum}, {"lo", a.lo},
          {"hi", a.hi},         {"alpha", a.alpha},   {"beta", a.beta}, {"p", a.p}, {"value", a.value},
          {"mean", a.mean},     {"std", a.std},       {"shape", a.shape}};
}

Attributes attrs_from(const json& j) {
  Attributes a;
  j.at("kernel").get_to(a.kernel), j.at("stride").get_to(a.stride), j.at("dilation").get_to(a.dilation);
  j.at("out_size").get_to(a.out_size), j.at("pads").get_to(a.pads), j.at("groups").get_to(a.groups);
  j.at("ceil_mode").get_to(a.ceil_mode), j.at("count_include_pad").get_to(a.count_include_pad);
  j.at("eps").get_to(a.eps), j.at("momentum").get_to(a.momentum), j.at("lo").get_to(a.lo), j.at("hi").get_to(a.hi);
  j.at("alpha").get_to(a.alpha), j.at("beta").get_to(a.beta), j.at("p").get_to(a.p), j.at("value").get_to(a.value);
  j.at("mean").get_to(a.mean), j.at("std").get_to(a.std), j.at("shape").get_to(a.shape);
  return a;
}

// The graph as JSON (nodes, input shape, the weight names in `tensors` order); the weights
// themselves travel separately, in that order.
json graph_json(const Graph& graph) {
  json j;
  j["format"] = kFormat;
  j["input_shape"] = graph.input().shape;
  json nodes = json::array();
  for (const Node& n : graph.nodes)
    nodes.push_back({{"name", n.name}, {"op", op_name(n.op)}, {"inputs", n.inputs}, {"weights", n.weights},
                     {"candidate", n.candidate}, {"attrs", attrs_json(n.attrs)}});
  j["nodes"] = nodes;
  json names = json::array();
  for (const auto& [name, t] : graph.tensors) names.push_back({{"name", name}, {"buffer", graph.buffers.count(name) > 0}});
  j["tensors"] = names;
  return j;
}

// Fills `g` from graph_json's JSON; weight(i) gives the i-th weight. Throws json::exception or
// Error (the caller names the source).
void graph_from_json(const json& j, Graph& g, const std::function<Tensor(size_t)>& weight) {
  const json& names = j.at("tensors");
  for (size_t i = 0; i < names.size(); ++i) {
    const std::string name = names[i].at("name");
    g.tensors[name] = weight(i);
    if (names[i].at("buffer").get<bool>()) g.buffers.insert(name);
  }
  for (const json& jn : j.at("nodes")) {
    Node n;
    n.name = jn.at("name");
    n.op = op_from_name(jn.at("op"));
    jn.at("inputs").get_to(n.inputs);
    jn.at("weights").get_to(n.weights);
    n.candidate = jn.at("candidate");
    n.attrs = attrs_from(jn.at("attrs"));
    g.nodes.push_back(std::move(n));
  }
  check(!g.nodes.empty(), "no nodes");
  j.at("input_shape").get_to(g.nodes[0].shape);
  infer_shapes(g);
}

}  // namespace

void save_model(const std::string& path, const Graph& graph) {
  const json j = graph_json(graph);
  nn::NamedTensors datasets;
  for (const auto& [name, t] : graph.tensors) datasets.emplace_back("weights/" + std::to_string(datasets.size()), t);
  std::map<std::string, std::string> attributes = graph.metadata;
  attributes["format"] = kFormat;
  attributes["graph"] = j.dump();
  h5::write_tensors(path, datasets, attributes);
}

std::string model_to_bytes(const Graph& graph) {
  std::string out(kBytesMagic);
  append_record(out, graph_json(graph).dump());
  for (const auto& [name, t] : graph.tensors) append_record(out, tensor_to_bytes(t));
  return out;
}

Graph model_from_bytes(std::string_view bytes, const std::string& what) {
  const std::string_view magic(kBytesMagic);
  check(bytes.substr(0, magic.size()) == magic, what + ": not a serialised splitleak model");
  ByteReader in(bytes.substr(magic.size()), what + ": truncated model");
  Graph g;
  try {
    const json j = json::parse(in.record("graph"));
    graph_from_json(j, g, [&](size_t i) {
      return tensor_from_bytes(in.record("weights"), what + ": weight " + std::to_string(i));
    });
  } catch (const json::exception& e) {
    throw Error(what + ": the model graph is malformed: " + e.what());
  } catch (const Error& e) {
    const std::string message = e.what();
    throw Error(message.rfind(what, 0) == 0 ? message : what + ": " + message);
  }
  check(in.remaining() == 0, what + ": " + std::to_string(in.remaining()) + " trailing bytes after the model");
  return g;
}

Graph load_model_file(const std::string& path) {
  const auto attributes = h5::read_attributes(path);
  auto format = attributes.find("format");
  check(format != attributes.end() && format->second == kFormat && attributes.count("graph"),
        path + ": not a splitleak model file (no '" + std::string(kFormat) + "' graph attribute)");
  Graph g;
  for (const auto& [key, value] : attributes)
    if (key != "format" && key != "graph") g.metadata[key] = value;
  try {
    const json j = json::parse(attributes.at("graph"));
    graph_from_json(j, g, [&](size_t i) { return h5::read_tensor(path, "weights/" + std::to_string(i)); });
  } catch (const json::exception& e) {
    throw Error(path + ": the model graph is malformed: " + e.what());
  } catch (const Error& e) {
    const std::string what = e.what();
    throw Error(what.rfind(path, 0) == 0 ? what : path + ": " + what);
  }
  return g;
}

}  // namespace splitleak::victim
