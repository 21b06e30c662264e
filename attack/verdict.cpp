#include "attack/verdict.h"

#include <cstdio>
#include <functional>

#include "core/error.h"

namespace splitleak::attack {
namespace {

std::string num(double v, const char* f = "%.3f") {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

std::string percent(double v) { return num(v * 100, "%.0f%%"); }

// Index of the highest `upper`, ties to the higher `mean`, then to the first.
size_t highest(const std::vector<AttackerScores>& a, const std::function<const Interval&(const AttackerScores&)>& of) {
  size_t best = 0;
  for (size_t i = 1; i < a.size(); ++i) {
    const Interval &x = of(a[i]), &b = of(a[best]);
    if (x.high > b.high || (x.high == b.high && x.mean > b.mean)) best = i;
  }
  return best;
}

// The names of the attackers still improving, with their rise ("cgan (+0.023)").
std::string under_trained_names(const std::vector<AttackerScores>& a) {
  std::string out;
  for (const auto& s : a) {
    if (!s.under_trained) continue;
    double rise = 0;
    for (const auto& seed : s.seeds) rise = std::max(rise, seed.convergence.rise);
    out += (out.empty() ? "" : ", ") + s.attacker + " (validation SSIM +" + num(rise) + " over its last fifth of steps)";
  }
  return out;
}

// The rule on one statistic: its worst attacker and bound, then the tail, then convergence.
RuleVerdict decide(const std::vector<AttackerScores>& a, const std::function<const Interval&(const AttackerScores&)>& of,
                   double limit, const std::string& what, const PrivacyRules& rules) {
  RuleVerdict v;
  v.worst = highest(a, of);
  v.bound = of(a[v.worst]).high;
  v.limit = limit;
  const std::string conf = num(rules.confidence * 100, "%.0f%%");
  const std::string stat = a[v.worst].attacker + "'s " + what + " is " + num(of(a[v.worst]).mean) + ", upper " + conf +
                           " bound " + num(v.bound);
  std::string breach;
  if (v.bound > limit) breach = stat + " > " + num(limit);
  if (rules.max_tail_fraction) {
    const size_t t = highest(a, [](const AttackerScores& s) -> const Interval& { return s.tail; });
    if (a[t].tail.high > *rules.max_tail_fraction)
      breach += (breach.empty() ? "" : "; ") + a[t].attacker + " reconstructs " + percent(a[t].tail.mean) +
                " of the held-out images above SSIM " + num(a[t].tail_ssim, "%.2f") + " (upper bound " +
                percent(a[t].tail.high) + " > " + percent(*rules.max_tail_fraction) + ")";
  }
  const std::string still = under_trained_names(a);
  if (!breach.empty()) {
    v.status = Status::Unsafe;
    v.reason = breach;
  } else if (!still.empty()) {
    v.status = Status::Inconclusive;
    v.reason = stat + " <= " + num(limit) + ", but not every attacker converged: " + still;
  } else {
    v.status = Status::Safe;
    v.reason = stat + " <= " + num(limit) + " and every attacker converged";
  }
  return v;
}

}  // namespace

std::string rule_name(Rule rule) { return rule == Rule::Absolute ? "absolute" : "beyond_output"; }

Rule parse_rule(const std::string& name) {
  if (name == "absolute") return Rule::Absolute;
  if (name == "beyond_output") return Rule::BeyondOutput;
  throw Error("privacy rule must be absolute or beyond_output, got '" + name + "'");
}

std::string status_name(Status status) {
  switch (status) {
    case Status::Safe: return "safe";
    case Status::Unsafe: return "unsafe";
    case Status::Inconclusive: return "inconclusive";
  }
  return "unsafe";
}

CutVerdict judge_cut(const std::string& cut, std::vector<AttackerScores> attackers,
                     std::vector<AttackerScores> baselines, const AttackerScores& floor, const PrivacyRules& rules,
                     uint64_t seed) {
  check(!attackers.empty(), "cut '" + cut + "': no attacker scores");
  CutVerdict v;
  v.cut = cut;
  v.rule = rules.rule;
  for (size_t i = 0; i < attackers.size(); ++i) {
    check(attackers[i].ssim.size() == floor.ssim.size(),
          "cut '" + cut + "': " + attackers[i].attacker + " scored " + std::to_string(attackers[i].ssim.size()) +
              " images, the output floor " + std::to_string(floor.ssim.size()));
    attackers[i].beyond_floor = paired_bootstrap_difference(attackers[i].ssim, floor.ssim, seed + 7919 * i, rules.confidence);
  }
  v.attackers = std::move(attackers);
  v.baselines = std::move(baselines);
  v.absolute = decide(v.attackers, [](const AttackerScores& s) -> const Interval& { return s.ssim_mean; },
                      rules.threshold, "mean SSIM", rules);
  v.beyond_output = decide(v.attackers, [](const AttackerScores& s) -> const Interval& { return s.beyond_floor; },
                           rules.margin, "mean SSIM beyond the output floor", rules);
  v.worst = v.decided().worst;
  v.safe = v.decided().status == Status::Safe;
  return v;
}

std::optional<size_t> recommend_cut(const std::vector<CutVerdict>& cuts, Rule rule) {
  std::optional<size_t> best;
  for (size_t i = cuts.size(); i-- > 0;) {
    if (cuts[i].under(rule).status != Status::Safe) break;
    best = i;
  }
  return best;
}

}  // namespace splitleak::attack
