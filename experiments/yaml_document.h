#pragma once
// Every YAML text splitleak reads (experiment and thresholds files, --set values) is parsed here.
// Beyond what yaml-cpp refuses, the graph its aliases build is checked before anything walks it:
// an alias to a node it stands inside (a cycle, which would send every walk round forever) and
// aliases that expand to more than kMaxYamlNodes nodes ("billion laughs") are refused, naming the
// line, and so is a text of more than one document. Then what YAML lets through but a schema
// must not (check_yaml_strictness). Internal to experiments/; docs/hardening.md.
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <string>

namespace splitleak::experiments {

// The most nodes a YAML text may hold with every alias expanded.
inline constexpr int64_t kMaxYamlNodes = 100'000;
// The largest YAML file read.
inline constexpr size_t kMaxYamlFileBytes = size_t{16} << 20;

// A key that is not a plain name (a `? ` complex key), a key given twice in one mapping, an
// explicit tag: Error naming `where` and the line. Walks each node as often as aliases repeat it,
// so only for a node that parse_yaml has checked.
void check_yaml_strictness(const YAML::Node& node, const std::string& where);

// The one document of `text`, checked as above; Error naming `where` (a file, "--set x=y") and
// the line of what is wrong.
YAML::Node parse_yaml(const std::string& text, const std::string& where);

// parse_yaml of the file at `path` (a regular file of at most kMaxYamlFileBytes). `what` names the
// kind of file for a missing one ("experiment", "thresholds").
YAML::Node load_yaml_file(const std::string& path, const std::string& what);

}  // namespace splitleak::experiments
