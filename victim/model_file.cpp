#include "victim/model_file.h"

#include <functional>
#include <set>
#include <nlohmann/json.hpp>

#include "core/byte_stream.h"
#include "core/error.h"
#include "core/hdf5_io.h"
#include "core/tensor_bytes.h"

namespace splitleak::victim {
namespace {

using json = nlohmann::json;
// Format 2 stores each node's own attributes; format 1 (before 2026-11-28) stored every op's
// attributes on every node. Both load; saving writes format 2.
constexpr const char* kFormat = "splitleak.model/2";
constexpr const char* kFormats[] = {"splitleak.model/1", "splitleak.model/2"};

// 1 or 2; throws Error for any other format string.
int format_version(const std::string& format) {
  for (int v = 1; v <= 2; ++v)
    if (format == kFormats[v - 1]) return v;
  throw Error("model format '" + format + "' is not one this splitleak reads (splitleak.model/1 or /2)");
}
constexpr const char* kBytesMagic = "SLMODEL1";

// An op's own attributes as a JSON object: one key per field its `fields` visits.
json attrs_json(const Op& op) {
  json attrs = json::object();
  std::visit([&](auto o) { o.fields([&](const char* key, const auto& value) { attrs[key] = value; }); }, op);
  return attrs;
}

// The op `name` with the attributes in `attrs`. Format 1 wrote every op's attributes on every
// node: other ops' keys are ignored there. From format 2 on, a key the op does not have is an
// error. Every attribute of the op must be present.
Op op_from_json(const std::string& name, const json& attrs, int format) {
  Op op = op_from_name(name);
  std::set<std::string> known;
  std::visit(
      [&](auto& o) {
        o.fields([&](const char* key, auto& value) {
          check(attrs.contains(key), std::string("attribute '") + key + "' is missing");
          attrs.at(key).get_to(value);
          known.insert(key);
        });
      },
      op);
  if (format >= 2)
    for (const auto& [key, value] : attrs.items())
      check(known.count(key), std::string(op_name(op)) + " has no attribute '" + key + "'");
  return op;
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
                     {"candidate", n.candidate}, {"attrs", attrs_json(n.op)}});
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
  const int format = format_version(j.at("format"));
  for (const json& jn : j.at("nodes")) {
    Node n;
    n.name = jn.at("name");
    try {
      n.op = op_from_json(jn.at("op"), jn.at("attrs"), format);
    } catch (const std::exception& e) {  // Error, or json::exception for an attribute of the wrong type
      throw Error("node '" + n.name + "': " + plain_message(e));
    }
    jn.at("inputs").get_to(n.inputs);
    jn.at("weights").get_to(n.weights);
    n.candidate = jn.at("candidate");
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
    throw Error(what + ": the model graph is malformed: " + plain_message(e));
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
  check(format != attributes.end() && format->second.rfind("splitleak.model/", 0) == 0 && attributes.count("graph"),
        path + ": not a splitleak model file (no '" + std::string(kFormat) + "' graph attribute)");
  Graph g;
  for (const auto& [key, value] : attributes)
    if (key != "format" && key != "graph") g.metadata[key] = value;
  try {
    const json j = json::parse(attributes.at("graph"));
    graph_from_json(j, g, [&](size_t i) { return h5::read_tensor(path, "weights/" + std::to_string(i)); });
  } catch (const json::exception& e) {
    throw Error(path + ": the model graph is malformed: " + plain_message(e));
  } catch (const Error& e) {
    const std::string what = e.what();
    throw Error(what.rfind(path, 0) == 0 ? what : path + ": " + what);
  }
  return g;
}

}  // namespace splitleak::victim
