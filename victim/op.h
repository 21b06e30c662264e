#pragma once
// The victim ops. Each is a struct holding only its own attributes, with its shape inference,
// FLOPs and execution (on the engine's ops, so on the CPU or an OpenCL device alike) in
// victim/ops/<file>.{h,cpp}; input.h lists the members every op must have. A node's `op` is
// one of them.
//
// Adding an op: write its struct and its .cpp, add it to `Op` below, and add a case to the op
// table of tests (tests/victim/op_table.cpp; test_ops.cpp and test_ops_device.cpp run it). An
// op missing a member does not compile (the VictimOp concept), and every switch over ops is a
// std::visit, so none can miss it.
#include <array>
#include <concepts>
#include <cstddef>
#include <string>
#include <variant>

#include "victim/ops/activation.h"
#include "victim/ops/arithmetic.h"
#include "victim/ops/batch_norm.h"
#include "victim/ops/conv.h"
#include "victim/ops/defence.h"
#include "victim/ops/dropout.h"
#include "victim/ops/input.h"
#include "victim/ops/layout.h"
#include "victim/ops/linear.h"
#include "victim/ops/pool.h"

namespace splitleak::victim {

// Accepts any field: the concept's probe of an op's `fields`.
struct FieldProbe {
  template <class T> void operator()(const char*, T&) const {}
};

template <class T>
concept VictimOp = std::default_initializable<T> && std::copyable<T> &&
                   requires(const T& op, T& writable, const ShapeContext& shapes, const RunContext& run) {
                     { T::kName } -> std::convertible_to<const char*>;
                     { T::kAliasesInput } -> std::convertible_to<bool>;
                     { op.infer(shapes) } -> std::same_as<Shape>;
                     { op.flops(shapes) } -> std::same_as<int64_t>;
                     { op.run(run) } -> std::same_as<Tensor>;
                     writable.fields(FieldProbe{});
                   };

using Op = std::variant<op::Input, op::Normalize, op::Conv, op::BatchNorm, op::Linear, op::Relu, op::Clip,
                        op::Sigmoid, op::HardSigmoid, op::HardSwish, op::Silu, op::MaxPool, op::AvgPool,
                        op::AdaptiveAvgPool, op::GlobalAvgPool, op::Add, op::Mul, op::Concat, op::Flatten,
                        op::Reshape, op::Dropout, op::Pad, op::GaussianNoise, op::FeatureDropout,
                        op::Quantize>;

namespace detail {
template <class... T> constexpr bool all_victim_ops(std::variant<T...>*) { return (VictimOp<T> && ...); }
}  // namespace detail
static_assert(detail::all_victim_ops(static_cast<Op*>(nullptr)),
              "every alternative of victim::Op must satisfy VictimOp (victim/ops/input.h lists the members)");

inline constexpr size_t kOpCount = std::variant_size_v<Op>;

const char* op_name(const Op& op);
// The op called `name` with default attributes; throws Error naming `name` when there is none.
Op op_from_name(const std::string& name);
// Every op name, in `Op` order.
const std::array<const char*, kOpCount>& op_names();

// True when `op` holds the op type T.
template <class T> bool is(const Op& op) { return std::holds_alternative<T>(op); }

// The members of the op `op` holds (std::visit: one place decides for every op).
Shape infer_op(const Op& op, const ShapeContext& context);
int64_t op_flops(const Op& op, const ShapeContext& context);
Tensor run_op(const Op& op, const RunContext& context);
bool aliases_input(const Op& op);

}  // namespace splitleak::victim
