#pragma once
// The message a call fails with.
#include <functional>
#include <string>

#include "core/error.h"

namespace splitleak::testing {

// What f throws as Error, or "" when it returns.
inline std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace splitleak::testing
