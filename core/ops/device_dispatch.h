#pragma once
// Which backend runs an op: the device its inputs share. Ops call these first, so that inputs on
// two devices, or a device input to an op without a kernel there, fail with the op's name before
// anything is computed (never a silent copy through the host).
#include <initializer_list>

#include "core/tensor.h"

namespace splitleak::ops {

// True when the defined tensors among `inputs` are on an OpenCL device, false when on the CPU;
// throws Error naming `op` and both devices when they differ.
bool on_device(const char* op, std::initializer_list<const Tensor*> inputs);
// Throws Error naming `op` when any defined input is on an OpenCL device: the op computes on the
// CPU engine only.
void require_cpu(const char* op, std::initializer_list<const Tensor*> inputs);

}  // namespace splitleak::ops
