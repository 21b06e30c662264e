#include "attack/threat_model.h"

#include "core/error.h"

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

SamplesPtr auxiliary_images(AuxData setting, const Tensor& targets, SamplesPtr pool, int64_t count, uint64_t seed) {
  check(count > 0 && targets.defined() && targets.dim() == 4 && targets.size(0) > 0,
        "auxiliary data: need targets (N, C, H, W) and a positive count");
  const Shape image(targets.shape().begin() + 1, targets.shape().end());
  switch (setting) {
    case AuxData::Same: {
      std::vector<int64_t> rows(static_cast<size_t>(count));
      for (int64_t i = 0; i < count; ++i) rows[static_cast<size_t>(i)] = i % targets.size(0);
      return subset(in_memory(targets), std::move(rows));
    }
    case AuxData::Disjoint:
      check(pool && pool->size() >= count && pool->row_shape() == image,
            "auxiliary data: the disjoint pool holds " + std::to_string(pool ? pool->size() : 0) +
                " images of the targets' shape, " + std::to_string(count) + " needed");
      return first_rows(std::move(pool), count);
    case AuxData::Noise:
      return uniform_noise_rows(image, count, seed);
  }
  throw Error("auxiliary data: unknown setting");
}

}  // namespace splitleak::attack
