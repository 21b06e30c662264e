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

}  // namespace splitleak
