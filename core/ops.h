#pragma once
// Every differentiable op of the engine. Each op's header states its gradient contract; the
// forward and backward of each op sit side by side in its .cpp.
#include "core/ops/activation.h"
#include "core/ops/conv.h"
#include "core/ops/dropout.h"
#include "core/ops/elementwise.h"
#include "core/ops/fused.h"
#include "core/ops/linear.h"
#include "core/ops/loss.h"
#include "core/ops/norm.h"
#include "core/ops/pad.h"
#include "core/ops/pool.h"
#include "core/ops/reduce.h"
#include "core/ops/shape.h"
#include "core/ops/upsample.h"
