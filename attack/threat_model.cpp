#include "attack/threat_model.h"

#include "core/error.h"
#include "core/random.h"

namespace splitleak::attack {

AuxData parse_aux_data(const std::string& text) {
  if (text == "same") return AuxData::Same;
  if (text == "disjoint") return AuxData::Disjoint;
  if (text == "noise") return AuxData::Noise;
  throw Error("auxiliary data '" + text + "' is not one of same, disjoint, noise");
}

const char* aux_data_name(AuxData setting) {
  switch (setting) {
    case AuxData::Same: return "same";
    case AuxData::Disjoint: return "disjoint";
    case AuxData::Noise: return "noise";
  }
  return "?";
}

Tensor auxiliary_images(AuxData setting, const Tensor& targets, const Tensor& pool, int64_t count, uint64_t seed) {
  check(count > 0 && targets.defined() && targets.dim() == 4 && targets.size(0) > 0,
        "auxiliary data: need targets (N, C, H, W) and a positive count");
  Shape shape = targets.shape();
  shape[0] = count;
  Tensor out = Tensor::empty(shape);
  const int64_t row = targets.numel() / targets.size(0);
  switch (setting) {
    case AuxData::Same:
      for (int64_t i = 0; i < count; ++i) out.slice(i, i + 1).copy_from(targets.slice(i % targets.size(0), i % targets.size(0) + 1));
      break;
    case AuxData::Disjoint:
      check(pool.defined() && pool.size(0) >= count && pool.numel() / pool.size(0) == row,
            "auxiliary data: the disjoint pool holds " + std::to_string(pool.defined() ? pool.size(0) : 0) +
                " images of the targets' shape, " + std::to_string(count) + " needed");
      out.copy_from(pool.slice(0, count));
      break;
    case AuxData::Noise: {
      Generator gen(seed);
      init::uniform_(out, 0.0f, 1.0f, gen);
      break;
    }
  }
  return out;
}

}  // namespace splitleak::attack
