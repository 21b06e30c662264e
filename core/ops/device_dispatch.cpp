#include "core/ops/device_dispatch.h"

#include "core/error.h"

namespace splitleak::ops {

bool on_device(const char* op, std::initializer_list<const Tensor*> inputs) {
  const Tensor* first = nullptr;
  for (const Tensor* t : inputs) {
    if (!t->defined()) continue;
    if (!first) first = t;
    if (t->device() != first->device())
      throw Error(std::string(op) + ": inputs on " + first->device().spec() + " and " + t->device().spec() +
                  " (move them to one device with to())");
  }
  return first && first->on_device();
}

void require_cpu(const char* op, std::initializer_list<const Tensor*> inputs) {
  for (const Tensor* t : inputs)
    if (t->defined() && t->on_device())
      throw Error(std::string(op) + " has no OpenCL kernel: its input is on " + t->device().spec() +
                  "; run it on the CPU engine (to(cpu))");
}

}  // namespace splitleak::ops
