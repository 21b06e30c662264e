#pragma once
// Deciding cuts (docs/design.md, data flow step 8). Two rules, both always computed:
//   absolute       a cut is safe when the highest upper bound over attackers of the mean SSIM is
//                  <= threshold;
//   beyond_output  a cut is safe when the highest upper bound over attackers of the paired
//                  per-image excess (cut SSIM - floor SSIM, the same held-out images) is
//                  <= margin. The floor is the best reconstruction of the model's output alone,
//                  which the GPU side sees whatever the cut.
// Either rule also bounds the tail when max_tail_fraction is set (the highest upper bound of the
// share of images above tail_ssim). A cut that passes its limits while an attacker on it was
// still improving is inconclusive, never safe. Baselines (prior, mean) are scored beside the
// attackers and never count for the worst case.
#include <optional>
#include <string>
#include <vector>

#include "attack/evaluator.h"

namespace splitleak::attack {

enum class Rule { Absolute, BeyondOutput };
enum class Status { Safe, Unsafe, Inconclusive };

std::string rule_name(Rule rule);                 // "absolute", "beyond_output"
Rule parse_rule(const std::string& name);         // Error naming the two rules
std::string status_name(Status status);           // "safe", "unsafe", "inconclusive"

struct PrivacyRules {
  Rule rule = Rule::Absolute;  // the rule that decides
  double threshold = 0.3;      // absolute
  double margin = 0.05;        // beyond_output
  std::optional<double> max_tail_fraction;
  double confidence = 0.95;
};

struct RuleVerdict {
  Status status = Status::Unsafe;
  size_t worst = 0;   // the attacker with the highest upper bound of the rule's statistic
  double bound = 0;   // that upper bound
  double limit = 0;   // threshold or margin
  std::string reason; // why, in one sentence naming the attacker and the numbers (without the status)
};

struct CutVerdict {
  std::string cut;
  std::vector<AttackerScores> attackers;  // beyond_floor filled
  std::vector<AttackerScores> baselines;
  RuleVerdict absolute, beyond_output;
  Rule rule = Rule::Absolute;
  size_t worst = 0;   // the deciding rule's worst attacker
  bool safe = false;  // the deciding rule says safe
  Status status() const { return decided().status; }
  const RuleVerdict& decided() const { return rule == Rule::Absolute ? absolute : beyond_output; }
  const RuleVerdict& under(Rule r) const { return r == Rule::Absolute ? absolute : beyond_output; }
};

// `floor` holds per-image SSIM on the same held-out images as the attackers (same order); the
// paired bootstrap uses `seed`. Error when there is no attacker or the image counts differ.
CutVerdict judge_cut(const std::string& cut, std::vector<AttackerScores> attackers,
                     std::vector<AttackerScores> baselines, const AttackerScores& floor, const PrivacyRules& rules,
                     uint64_t seed);

// Index (into `cuts`, ordered from the input on) of the earliest cut after which every cut is
// safe under `rule`, or none when the last cut is not safe.
std::optional<size_t> recommend_cut(const std::vector<CutVerdict>& cuts, Rule rule);

}  // namespace splitleak::attack
