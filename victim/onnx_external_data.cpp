#include "victim/onnx_external_data.h"

#include <charconv>
#include <system_error>

#include "core/error.h"
#include "core/input_file.h"

namespace splitleak::victim {
namespace fs = std::filesystem;
namespace {

uint64_t parse_unsigned(const std::string& key, const std::string& value, const std::string& where) {
  uint64_t out = 0;
  const char* end = value.data() + value.size();
  const auto [stop, error] = std::from_chars(value.data(), end, out);
  check(!value.empty() && error == std::errc() && stop == end,
        where + ": external data " + key + " '" + shown(value) + "' is not an unsigned integer below 2^64");
  return out;
}

// The data file with every link resolved; Error (`named` names the file) when it does not exist
// or the location leaves the model's folder.
fs::path resolve_inside(const fs::path& model_dir, const std::string& location, const std::string& where,
                        const std::string& named) {
  check(!location.empty(), where + ": external data without a location");
  check(location.find('\0') == std::string::npos, named + " holds a NUL byte");
  const fs::path relative(location);
  check(relative.is_relative() && !relative.has_root_name() && !relative.has_root_directory(),
        named + " is an absolute path: only a location relative to the model's folder is read");
  const auto inside = [](const fs::path& file, const fs::path& folder) {
    const fs::path rest = file.lexically_relative(folder);
    return !rest.empty() && *rest.begin() != ".." && rest != ".";
  };
  const std::string refused = "outside the model's folder: only files inside it are read";
  check(inside((fs::path("folder") / relative).lexically_normal(), "folder"), named + " leads " + refused);
  std::error_code ec;
  const fs::path folder = fs::canonical(model_dir.empty() ? fs::path(".") : model_dir, ec);
  check(!ec, where + ": cannot resolve the model's folder: " + ec.message());
  const fs::path file = fs::canonical(folder / relative, ec);
  check(!ec, named + " cannot be opened: " + ec.message());
  check(inside(file, folder), named + " resolves to " + shown(file.string(), 200) + ", " + refused);
  return file;
}

}  // namespace

ExternalData parse_external_data(const std::vector<std::pair<std::string, std::string>>& records,
                                 const std::string& where) {
  ExternalData out;
  bool has_location = false, has_offset = false;
  const auto once = [&](bool& seen, const std::string& key) {
    check(!seen, where + ": external data record '" + key + "' is given twice");
    seen = true;
  };
  for (const auto& [key, value] : records) {
    if (key == "location") {
      once(has_location, key);
      out.location = value;
    } else if (key == "offset") {
      once(has_offset, key);
      out.offset = parse_unsigned(key, value, where);
    } else if (key == "length") {
      once(out.has_length, key);
      out.length = parse_unsigned(key, value, where);
    }
  }
  check(has_location, where + ": external data without a location");
  return out;
}

std::string read_external_data(const fs::path& model_dir, const ExternalData& data, uint64_t expected_bytes,
                               const std::string& where) {
  const std::string named = where + ": external data file '" + shown(data.location) + "'";
  const InputFile file(resolve_inside(model_dir, data.location, where, named).string(), named);
  const std::string range = "bytes " + std::to_string(data.offset) + " + " +
                            (data.has_length ? std::to_string(data.length) : std::string("the rest"));
  check(data.offset <= file.size() && (!data.has_length || data.length <= file.size() - data.offset),
        where + ": external data " + range + " lie past the end of '" + shown(data.location) + "' (" +
            std::to_string(file.size()) + " bytes)");
  const uint64_t length = data.has_length ? data.length : file.size() - data.offset;
  check(length == expected_bytes, where + ": external data holds " + std::to_string(length) +
                                      " bytes, its shape and type need " + std::to_string(expected_bytes));
  return file.read(data.offset, length);
}

}  // namespace splitleak::victim
