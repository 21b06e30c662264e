#include "experiments/yaml_document.h"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>

#include <filesystem>
#include <map>
#include <sstream>
#include <vector>

#include "core/error.h"
#include "core/input_file.h"

namespace splitleak::experiments {
namespace {

std::string at_line(const std::string& where, const YAML::Mark& mark) {
  return mark.is_null() ? where : where + ":" + std::to_string(mark.line + 1);
}

// Counts the nodes of a document with every alias expanded, from the parser's events: an
// anchored node's expanded size is known when it ends, and an alias adds it. An alias to an
// anchor whose node has not ended is a cycle.
class GraphCheck : public YAML::EventHandler {
 public:
  explicit GraphCheck(std::string where) : where_(std::move(where)) {}

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override { leaf(mark, anchor); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor, const std::string&) override {
    leaf(mark, anchor);
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    const auto size = sizes_.find(anchor);
    if (size == sizes_.end())
      throw Error(at_line(where_, mark) + ": malformed YAML: an alias refers to the node it stands inside (a cycle)");
    add(mark, size->second);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor, YAML::EmitterStyle::value) override {
    open_.push_back({anchor, 1, mark});
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor, YAML::EmitterStyle::value) override {
    open_.push_back({anchor, 1, mark});
  }
  void OnMapEnd() override { close(); }

 private:
  struct Open {
    YAML::anchor_t anchor;
    int64_t nodes;
    YAML::Mark mark;
  };

  void leaf(const YAML::Mark& mark, YAML::anchor_t anchor) {
    if (anchor != YAML::NullAnchor) sizes_[anchor] = 1;
    add(mark, 1);
  }
  void close() {
    const Open done = open_.back();
    open_.pop_back();
    if (done.anchor != YAML::NullAnchor) sizes_[done.anchor] = done.nodes;
    add(done.mark, done.nodes);
  }
  // Each addend is at most kMaxYamlNodes (every count is checked when it grows), so no sum overflows.
  void add(const YAML::Mark& mark, int64_t nodes) {
    int64_t& count = open_.empty() ? total_ : open_.back().nodes;
    count += nodes;
    if (count > kMaxYamlNodes)
      throw Error(at_line(where_, mark) + ": malformed YAML: its aliases expand to more than " +
                  std::to_string(kMaxYamlNodes) + " nodes");
  }

  std::string where_;
  std::vector<Open> open_;
  std::map<YAML::anchor_t, int64_t> sizes_;  // anchored nodes that have ended
  int64_t total_ = 0;
};

// The graph check over every document of `text`; Error when there is more than one.
void check_graph(const std::string& text, const std::string& where) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  GraphCheck first(where);
  if (!parser.HandleNextDocument(first)) return;
  GraphCheck second(where);
  const bool more = parser.HandleNextDocument(second);
  if (more) throw Error(where + ": holds more than one YAML document (a second '---'): give one");
}

int line_of(const YAML::Node& n) { return n.Mark().is_null() ? 0 : n.Mark().line + 1; }

}  // namespace

void check_yaml_strictness(const YAML::Node& node, const std::string& where) {
  const auto fail = [&](const YAML::Node& at, const std::string& what) {
    throw Error(where + ":" + std::to_string(line_of(at)) + ": " + what);
  };
  const std::string& tag = node.Tag();
  if (!tag.empty() && tag != "?" && tag != "!") fail(node, "YAML tag '" + shown(tag) + "' is not supported");
  if (node.IsMap()) {
    std::map<std::string, int> seen;  // key -> its line
    for (const auto& kv : node) {
      if (!kv.first.IsScalar())
        fail(kv.first, std::string("a key must be a plain name, not ") +
                           (kv.first.IsNull() ? "nothing" : kv.first.IsMap() ? "a mapping" : "a list"));
      const std::string key = kv.first.Scalar();
      if (!key.empty() && !seen.emplace(key, line_of(kv.first)).second)
        fail(kv.first, "key '" + shown(key) + "' given twice (first on line " + std::to_string(seen.at(key)) + ")");
      check_yaml_strictness(kv.second, where);
    }
  } else if (node.IsSequence()) {
    for (const auto& item : node) check_yaml_strictness(item, where);
  }
}

YAML::Node parse_yaml(const std::string& text, const std::string& where) {
  YAML::Node root;
  try {
    check_graph(text, where);
    root = YAML::Load(text);
  } catch (const YAML::DeepRecursion& e) {
    throw Error(at_line(where, e.mark) + ": malformed YAML: nested more than " + std::to_string(e.depth() - 1) +
                " levels deep");
  } catch (const YAML::ParserException& e) {
    throw Error(at_line(where, e.mark) + ": malformed YAML: " + shown(e.msg, 200));
  } catch (const YAML::Exception& e) {
    throw Error(where + ": cannot read: " + shown(e.msg, 200));
  }
  check_yaml_strictness(root, where);
  return root;
}

YAML::Node load_yaml_file(const std::string& path, const std::string& what) {
  const std::string where = shown(path, 200);
  std::error_code ec;
  check(std::filesystem::exists(path, ec) || ec, where + ": no such " + what + " file");
  InputFile file(path, where);
  check(file.size() <= kMaxYamlFileBytes, where + ": " + std::to_string(file.size() >> 20) + " MiB; an " + what +
                                              " file may hold " + std::to_string(kMaxYamlFileBytes >> 20) + " MiB");
  return parse_yaml(file.read(0, file.size()), where);
}

}  // namespace splitleak::experiments
