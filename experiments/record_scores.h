#pragma once
// TON_IoT runs: reconstructions of the held-out records decoded back into records and scored
// (datasets::TabularCodec::record_errors) beside the image metrics: per record the numeric
// fields' mean absolute error in [0, 1] units and the share of categorical fields recovered, per
// numeric column the mean absolute error in its own units.
#include <memory>

#include "attack/evaluator.h"
#include "datasets/ton_iot.h"

namespace splitleak::experiments {

class RecordScorer {
 public:
  RecordScorer() = default;  // no records (an image data set): score() leaves the scores as they are
  // The held-out images of the run are records->test's first `held_out` rows, in order.
  RecordScorer(std::shared_ptr<const datasets::TonIotData> records, int64_t held_out);
  explicit operator bool() const { return records_ != nullptr; }

  // Assigns the record fields of `scores` from `reconstructions` (held_out, 1, S, S) and
  // summarises them again (attack::summarise with the same arguments as the image metrics).
  void score(const Tensor& reconstructions, attack::AttackerScores& scores, uint64_t seed, double confidence,
             double tail_ssim) const;

 private:
  std::shared_ptr<const datasets::TonIotData> records_;
  std::vector<int64_t> rows_;
};

}  // namespace splitleak::experiments
