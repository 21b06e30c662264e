#include "victim/op.h"

#include <array>
#include <string_view>

#include "core/error.h"

namespace splitleak::victim {
namespace {

template <class... T> constexpr std::array<const char*, sizeof...(T)> names_of(std::variant<T...>*) {
  return {T::kName...};
}
constexpr std::array<const char*, kOpCount> kNames = names_of(static_cast<Op*>(nullptr));

constexpr bool names_are_unique() {
  for (size_t i = 0; i < kNames.size(); ++i)
    for (size_t j = i + 1; j < kNames.size(); ++j)
      if (std::string_view(kNames[i]) == std::string_view(kNames[j])) return false;
  return true;
}
static_assert(names_are_unique(), "two victim ops share a kName");

// The op of alternative `index`, default-constructed.
template <size_t I = 0> Op default_op(size_t index) {
  if constexpr (I == kOpCount) {
    throw Error("op index out of range");
  } else {
    return index == I ? Op(std::in_place_index<I>) : default_op<I + 1>(index);
  }
}

}  // namespace

const char* op_name(const Op& op) { return kNames[op.index()]; }

const std::array<const char*, kOpCount>& op_names() { return kNames; }

Shape infer_op(const Op& op, const ShapeContext& context) {
  return std::visit([&](const auto& o) { return o.infer(context); }, op);
}

int64_t op_flops(const Op& op, const ShapeContext& context) {
  return std::visit([&](const auto& o) { return o.flops(context); }, op);
}

Tensor run_op(const Op& op, const RunContext& context) {
  return std::visit([&](const auto& o) { return o.run(context); }, op);
}

bool aliases_input(const Op& op) {
  return std::visit([](const auto& o) { return std::decay_t<decltype(o)>::kAliasesInput; }, op);
}

Op op_from_name(const std::string& name) {
  for (size_t i = 0; i < kNames.size(); ++i)
    if (name == kNames[i]) return default_op(i);
  throw Error("unknown op '" + name + "'");
}

}  // namespace splitleak::victim
