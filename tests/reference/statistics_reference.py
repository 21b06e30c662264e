"""NumPy and SciPy references for the verdict's statistics (attack/statistics.h).

paired/{a, b}: per-image SSIM of an attacker and of the output floor on the same 200 images
  (strongly correlated, as real scores are); paired/interval: mean, 2.5% and 97.5% percentiles
  (numpy's linear interpolation) of the mean difference a - b over 200,000 paired bootstrap
  resamples; unpaired/interval: the same with a and b resampled independently (what a wrong,
  unpaired implementation would approach).
cp/cases: rows (successes, trials, confidence); cp/intervals: the Clopper-Pearson interval from
  scipy.stats.beta.ppf.

Usage: /usr/bin/python3 statistics_reference.py OUT.h5
"""
import sys

import h5py
import numpy as np
from scipy.stats import beta


def percentile_interval(means):
    return [means.mean(), np.percentile(means, 2.5), np.percentile(means, 97.5)]


def main(out):
    rng = np.random.default_rng(15)
    n = 200
    floor = np.clip(rng.normal(0.4, 0.15, n), 0, 1).astype(np.float32)
    attacker = np.clip(floor + rng.normal(0.03, 0.02, n), 0, 1).astype(np.float32)
    a, b = attacker.astype(np.float64), floor.astype(np.float64)
    resamples = 200_000
    idx = rng.integers(0, n, size=(resamples, n))
    diff = a - b
    paired = percentile_interval(diff[idx].mean(axis=1))
    paired[0] = diff.mean()
    idx2 = rng.integers(0, n, size=(resamples, n))
    unpaired = percentile_interval(a[idx].mean(axis=1) - b[idx2].mean(axis=1))

    cases = [(0, 10, 0.95), (1, 10, 0.95), (5, 10, 0.95), (10, 10, 0.95), (3, 200, 0.95), (37, 200, 0.95),
             (199, 200, 0.95), (12, 100, 0.9), (0, 1, 0.95), (1, 1, 0.99)]
    intervals = []
    for k, trials, conf in cases:
        tail = (1 - conf) / 2
        low = 0.0 if k == 0 else beta.ppf(tail, k, trials - k + 1)
        high = 1.0 if k == trials else beta.ppf(1 - tail, k + 1, trials - k)
        intervals.append([low, high])
    with h5py.File(out, "w") as f:
        f["paired/a"], f["paired/b"] = attacker, floor
        f["paired/interval"] = np.array(paired, dtype=np.float32)
        f["unpaired/interval"] = np.array(unpaired, dtype=np.float32)
        f["cp/cases"] = np.array(cases, dtype=np.float32)
        f["cp/intervals"] = np.array(intervals, dtype=np.float32)


if __name__ == "__main__":
    main(sys.argv[1])
