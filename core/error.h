#pragma once
// The one error type of splitleak: an exception carrying what failed and where.
// The CLI turns it into one line on stderr and exit code 2 (bad input) or 1 (run failure).
#include <stdexcept>
#include <string>

namespace splitleak {

class Error : public std::runtime_error {
 public:
  enum class Kind { BadInput, Failure };
  explicit Error(const std::string& what, Kind kind = Kind::BadInput)
      : std::runtime_error(what), kind_(kind) {}
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

// Throws Error(message) when cond is false. For contract checks on user-reachable paths.
inline void check(bool cond, const std::string& message) {
  if (!cond) throw Error(message);
}

// A value from the user echoed in a message: cut to about `limit` characters, and control
// characters (a line break, a NUL) shown as '?', so the message stays one line.
inline std::string shown(const std::string& value, size_t limit = 80) {
  std::string out = value.size() <= limit ? value : value.substr(0, limit - 3) + "...";
  for (char& c : out)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  return out;
}

// A library exception's message for the user: without nlohmann-json's "[json.exception.kind.N] "
// tag, and cut to `limit` characters (a long value echoed back stays readable).
inline std::string plain_message(const std::exception& e, size_t limit = 200) {
  std::string text = e.what();
  if (text.rfind("[json.exception.", 0) == 0) {
    const size_t end = text.find("] ");
    if (end != std::string::npos) text.erase(0, end + 2);
  }
  if (text.size() > limit) text = text.substr(0, limit) + "...";
  return text;
}

}  // namespace splitleak
