#!/usr/bin/env python3
"""Reference values for the canary judge (src/core/analysis), computed independently with scipy/numpy.

Writes test/fixtures/judge-reference.json: for every seeded case the baseline and canary samples
and, for the canary against the baseline,
  u         scipy.stats.mannwhitneyu(canary, baseline, method="asymptotic", use_continuity=True,
            alternative="two-sided").statistic  (U of the canary)
  pValue    the same call's p-value (normal approximation, tie and continuity correction)
  estimate  numpy median of all canary[i] - baseline[j] (Hodges-Lehmann), from the full matrix
  ci        order statistics kLow, kHigh of the sorted full matrix of differences, where
            sigma = sqrt(n*m/12 * ((N + 1) - T/(N(N - 1)))), T = sum(t^3 - t) over ties *within*
            each sample, zq = norm.isf((1 - confidence)/2),
            kLow  = max(1, ceil(n*m/2 - 0.5 - zq*sigma)), kHigh = min(n*m, floor(n*m/2 + 0.5 + zq*sigma) + 1).
For small cases the script also checks that these two order statistics are exactly where the
function R's wilcox.test (and Kayenta's MannWhitney.scala) root-finds changes sign, by evaluating
that function (ranks of canary - d against baseline) between every pair of consecutive differences.

Run: python3 scripts/judge-reference/generate.py   (python3 with numpy and scipy; deterministic)
"""

import json
import math
import pathlib
import sys

import numpy as np
import scipy
from scipy.stats import mannwhitneyu, norm, rankdata

SEED = 20261127
OUT = pathlib.Path(__file__).resolve().parents[2] / "test" / "fixtures" / "judge-reference.json"


def within_tie_term(sample):
    _, counts = np.unique(sample, return_counts=True)
    counts = counts.astype(np.float64)
    return float(np.sum(counts**3 - counts))


def interval_ranks(n, m, tie_term, confidence):
    total = n * m
    size = n + m
    sigma = math.sqrt(n * m / 12 * ((size + 1) - tie_term / (size * (size - 1))))
    zq = float(norm.isf((1 - confidence) / 2))
    k_low = max(1, math.ceil(total / 2 - 0.5 - zq * sigma))
    k_high = min(total, math.floor(total / 2 + 0.5 + zq * sigma) + 1)
    return k_low, k_high, zq


def r_wdiff(canary, baseline, d, zq):
    """R's wilcox.test wdiff(d, zq), two-sided, correct = TRUE (and Kayenta's wilcoxonDiff)."""
    n, m = len(canary), len(baseline)
    dr = rankdata(np.concatenate([canary - d, baseline]))
    _, ties = np.unique(dr, return_counts=True)
    ties = ties.astype(np.float64)
    dz = float(np.sum(dr[:n])) - n * (n + 1) / 2 - n * m / 2
    correction = math.copysign(0.5, dz) if dz != 0 else 0.0
    sigma = math.sqrt((n * m / 12) * ((n + m + 1) - float(np.sum(ties**3 - ties)) / ((n + m) * (n + m - 1))))
    return (dz - correction) / sigma - zq


def r_root(canary, baseline, zq, differences):
    """Where R's step function wdiff(., zq) changes sign: the value uniroot converges to."""
    values = np.unique(differences)
    if len(values) == 1:
        return float(values[0])
    for k in range(len(values) - 1):
        if r_wdiff(canary, baseline, (values[k] + values[k + 1]) / 2, zq) <= 0:
            return float(values[k])
    return float(values[-1])


def reference(case_id, family, baseline, canary, confidence, check_root):
    baseline = np.asarray(baseline, dtype=np.float64)
    canary = np.asarray(canary, dtype=np.float64)
    n, m = len(canary), len(baseline)
    test = mannwhitneyu(canary, baseline, method="asymptotic", use_continuity=True, alternative="two-sided")
    differences = np.subtract.outer(canary, baseline).ravel()
    estimate = float(np.median(differences))
    k_low, k_high, zq = interval_ranks(n, m, within_tie_term(canary) + within_tie_term(baseline), confidence)
    low = float(np.partition(differences, k_low - 1)[k_low - 1])
    high = float(np.partition(differences, k_high - 1)[k_high - 1])
    if check_root and len(np.unique(np.concatenate([canary, baseline]))) > 1:
        r_low, r_high = r_root(canary, baseline, zq, differences), r_root(canary, baseline, -zq, differences)
        if (r_low, r_high) != (low, high):
            sys.exit(f"{case_id}: order statistics ({low}, {high}) differ from R's roots ({r_low}, {r_high})")
    return {
        "id": case_id,
        "family": family,
        "confidence": confidence,
        "baseline": baseline.tolist(),
        "canary": canary.tolist(),
        "u": float(test.statistic),
        "pValue": float(test.pvalue),
        "estimate": estimate,
        "ci": [low, high],
        "ciRanks": [k_low, k_high],
    }


def main():
    rng = np.random.Generator(np.random.PCG64(SEED))
    cases = []

    def add(family, baseline, canary, confidence=0.98):
        nm = len(baseline) * len(canary)
        case_id = f"{len(cases):03d}-{family}-{len(baseline)}x{len(canary)}"
        cases.append(reference(case_id, family, baseline, canary, confidence, check_root=nm <= 1600))

    small = [3, 4, 5, 6, 8, 10, 13, 20, 30, 40]
    medium = [50, 100, 200, 500, 1000]
    large = [2000, 3000, 5000]
    confidences = [0.98, 0.98, 0.95, 0.9, 0.99]

    # Continuous samples, equal and unequal sizes, no shift to large shifts.
    for i, n in enumerate(small + medium):
        for shift in (0.0, 0.3, 2.0):
            m = int(rng.choice(small + medium))
            baseline = np.round(rng.normal(100, 10, m), 6)
            canary = np.round(rng.normal(100 + 10 * shift, 10, n), 6)
            add("normal", baseline, canary, confidences[(i + int(shift * 10)) % len(confidences)])
    # Heavy tails (latencies): lognormal with multiplicative shifts and a few outliers.
    for n, m in [(3, 5000), (5000, 3), (40, 2000), (2000, 40), (1000, 5000), (5000, 1000), (500, 500), (3000, 2000)]:
        baseline = np.round(rng.lognormal(3, 0.6, m), 4)
        canary = np.round(rng.lognormal(3 + float(rng.choice([0.0, 0.05, 0.3])), 0.6, n), 4)
        canary[: max(1, n // 100)] *= 20
        add("lognormal", baseline, canary)
    for n in small + medium:
        m = int(rng.choice(small + medium + large[:1]))
        baseline = np.round(rng.lognormal(2, 1.0, m), 3)
        canary = np.round(rng.lognormal(2.1, 1.0, n), 3)
        add("lognormal", baseline, canary, confidences[n % len(confidences)])
    # Ties: integer counts and coarsely rounded latencies.
    for n in small + medium:
        m = int(rng.choice(small + medium))
        lam = float(rng.choice([0.5, 3.0, 20.0]))
        baseline = rng.poisson(lam, m).astype(np.float64)
        canary = rng.poisson(lam * float(rng.choice([1.0, 1.2, 2.0])), n).astype(np.float64)
        add("poisson-ties", baseline, canary)
    for n, m in [(5000, 5000), (3000, 5000), (5000, 200), (3, 3000), (1000, 1000)]:
        baseline = np.round(rng.normal(250, 40, m), -1)
        canary = np.round(rng.normal(250 + float(rng.choice([0, 5, 30])), 40, n), -1)
        add("rounded-ties", baseline, canary)
    for n in small:
        m = int(rng.choice(small))
        baseline = rng.integers(0, 3, m).astype(np.float64)
        canary = rng.integers(0, 3, n).astype(np.float64)
        add("few-values", baseline, canary, confidences[n % len(confidences)])
    # Constant samples: one side constant, both constant (equal or not), everything identical.
    for n in small + medium[:3]:
        m = int(rng.choice(small))
        add("baseline-constant", np.full(m, 7.0), np.round(rng.normal(7.5, 1, n), 3))
        add("canary-constant", np.round(rng.normal(7.5, 1, m), 3), np.full(n, 7.0))
        add("both-constant", np.full(m, 7.0), np.full(n, float(rng.choice([7.0, 8.5]))))
    for n in (3, 10, 1000):
        add("all-identical", np.full(n, 1.25), np.full(n + 2, 1.25))
    # Samples equal to each other, negative and mixed-sign values, error rates in [0, 1].
    for n in (3, 20, 500):
        same = np.round(rng.normal(0, 1, n), 4)
        add("identical-samples", same, same.copy())
    for n in small[:6] + medium[:3]:
        m = int(rng.choice(small + medium[:2]))
        add("negative", np.round(rng.normal(-50, 30, m), 2), np.round(rng.normal(-45, 30, n), 2))
        add("error-rate", np.round(rng.beta(1, 60, m), 5), np.round(rng.beta(1.4, 60, n), 5))
    # Uniform and bimodal shapes, and sizes drawn log-uniformly between 3 and 5000.
    for n in small + medium:
        m = int(rng.choice(small + medium))
        add("uniform", np.round(rng.uniform(0, 1, m), 5), np.round(rng.uniform(0.05, 1.05, n), 5))
        mix = lambda size, bump: np.round(
            np.where(rng.random(size) < 0.8, rng.normal(20, 2, size), rng.normal(60 + bump, 5, size)), 3
        )
        add("bimodal", mix(m, 0), mix(n, float(rng.choice([0, 10]))), confidences[m % len(confidences)])
    for _ in range(20):
        n, m = (int(round(math.exp(rng.uniform(math.log(3), math.log(5000))))) for _ in range(2))
        baseline = np.round(rng.gamma(2.0, 10.0, m), 2)
        canary = np.round(rng.gamma(2.0, 10.0 * float(rng.choice([1.0, 1.02, 1.5])), n), 2)
        add("gamma", baseline, canary, confidences[n % len(confidences)])
    # Tiny samples below the sizes a judge should see, to pin the edge handling.
    for n, m in [(1, 1), (1, 5), (2, 3), (3, 1), (2, 2)]:
        add("tiny", np.round(rng.normal(0, 1, m), 3), np.round(rng.normal(0.5, 1, n), 3))

    document = {
        "generator": "scripts/judge-reference/generate.py",
        "seed": SEED,
        "scipy": scipy.__version__,
        "numpy": np.__version__,
        "description": __doc__.strip().splitlines()[0],
        "cases": cases,
    }
    OUT.write_text(json.dumps(document, separators=(",", ":")) + "\n")
    print(f"{len(cases)} cases, {OUT.stat().st_size / 1e6:.2f} MB -> {OUT}")


if __name__ == "__main__":
    main()
