#include "experiments/defence_stage.h"

#include <fmt/format.h>

#include <cmath>

#include "core/autograd.h"
#include "core/random.h"
#include "victim/execute.h"

namespace splitleak::experiments {
namespace {

int64_t argmax(const float* row, int64_t n) {
  int64_t best = 0;
  for (int64_t i = 1; i < n; ++i)
    if (row[i] > row[best]) best = i;
  return best;
}

// A qualifying pair: the result and its place.
struct Candidate {
  const CutResult* result;
  size_t cut, defence;
};

// "noise(sigma=0.5) at pool1 is safe ..., 3.1x the speed of ..." against the recommended undefended
// cut; an undefended pair reads "fc3, undefended, is safe ...", which cannot be read as "no defence
// is safe".
std::string sentence(const RunResults& r, const Candidate& chosen) {
  const CutResult& c = *chosen.result;
  const std::string& cut = r.cuts[chosen.cut].name;
  const std::string what = chosen.defence == 0 ? cut + ", undefended,"
                                               : r.config.defences[chosen.defence].spec.label() + " at " + cut;
  std::string s = what + " is safe under " + r.config.privacy.rule + ", " +
                  fmt::format("{:.2f} ms per split", c.latency.total_ms());
  if (r.recommended && chosen.defence > 0) {
    const CutResult& plain = r.cuts[*r.recommended];
    s += fmt::format(", {:.1f}x the speed of the earliest safe undefended cut ({})",
                     plain.latency.total_ms() / c.latency.total_ms(), plain.name);
  } else if (!r.recommended && chosen.defence > 0) {
    s += ", where no undefended cut is safe";
  }
  if (chosen.defence > 0 && !std::isnan(c.accuracy) && !std::isnan(r.victim.accuracy))
    s += fmt::format(", at {:+.1f}% accuracy", 100.0 * (c.accuracy - r.victim.accuracy));
  return s + ".";
}

}  // namespace

double defended_accuracy(const victim::Partition& p, const datasets::ImageRows& test, uint64_t seed, int64_t batch) {
  if (!test.labelled()) return std::nan("");
  autograd::NoGradGuard no_grad;
  Generator draws(seed);
  victim::RunOptions options;
  options.generator = &draws;
  const Device device = victim::device_of(p.front);
  int64_t correct = 0;
  for (int64_t begin = 0; begin < test.size(); begin += batch) {
    const int64_t end = std::min(test.size(), begin + batch);
    const Tensor features = victim::run(p.front, test.images->read_range(begin, end).to(device), options);
    const Tensor logits = victim::run(p.back, features).to(Device{});
    const int64_t classes = logits.size(1);
    for (int64_t i = 0; i < end - begin; ++i) correct += argmax(logits.data() + i * classes, classes) == test.labels[begin + i];
  }
  return test.size() ? static_cast<double>(correct) / static_cast<double>(test.size()) : std::nan("");
}

std::optional<PairDecision> decide_pair(const RunResults& r) {
  std::vector<Candidate> candidates;
  if (r.recommended)
    for (size_t k = *r.recommended; k < r.cuts.size(); ++k) candidates.push_back({&r.cuts[k], k, 0});
  const size_t cuts = r.cuts.size();
  for (size_t i = 0; i < r.defended.size(); ++i) {
    const CutResult& d = r.defended[i];
    const bool accurate = std::isnan(d.accuracy) || std::isnan(r.victim.accuracy) ||
                          r.victim.accuracy - d.accuracy <= r.config.privacy.max_accuracy_drop;
    if (d.verdict.safe && accurate) candidates.push_back({&d, i % cuts, d.defence});
  }
  if (candidates.empty()) return std::nullopt;
  const Candidate* best = &candidates.front();
  for (const Candidate& c : candidates) {
    const double t = c.result->latency.total_ms(), b = best->result->latency.total_ms();
    if (t < b || (t == b && (c.cut < best->cut || (c.cut == best->cut && c.defence < best->defence)))) best = &c;
  }
  return PairDecision{best->cut, best->defence, sentence(r, *best)};
}

}  // namespace splitleak::experiments
