#include "experiments/record_scores.h"

#include "core/error.h"

namespace splitleak::experiments {

RecordScorer::RecordScorer(std::shared_ptr<const datasets::TonIotData> records, int64_t held_out)
    : records_(std::move(records)) {
  check(held_out <= static_cast<int64_t>(records_->test_rows.size()),
        "record scores: " + std::to_string(held_out) + " held-out records asked for, the test split has " +
            std::to_string(records_->test_rows.size()));
  rows_.assign(records_->test_rows.begin(), records_->test_rows.begin() + held_out);
}

void RecordScorer::score(const Tensor& reconstructions, attack::AttackerScores& scores, uint64_t seed,
                         double confidence, double tail_ssim) const {
  if (!records_) return;
  const datasets::RecordErrors e = records_->codec.record_errors(records_->table, rows_, reconstructions);
  scores.record_mae = e.numeric_mae_scaled, scores.record_accuracy = e.categorical_accuracy;
  scores.column_mae = e.column_mae;
  attack::summarise(scores, seed, confidence, tail_ssim);
}

}  // namespace splitleak::experiments
