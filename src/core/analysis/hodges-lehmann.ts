/**
 * Hodges-Lehmann estimate of the shift of the canary over the baseline and its confidence interval
 * (Hodges & Lehmann, Ann. Math. Statist. 34 (1963) 598-611; Lehmann, "Nonparametrics" (1975) 2.5).
 *
 * The estimate is the median of the n*m differences canary[i] - baseline[j]. The interval is the
 * asymptotic one of R's wilcox.test(conf.int = TRUE, correct = TRUE), which Kayenta's NetflixACAJudge
 * uses (kayenta-mannwhitney/.../MannWhitney.scala, "Derived from the R Wilcoxon Test
 * implementation"): the shifts d where the continuity-corrected, tie-corrected z of the canary moved
 * by -d crosses +z(1 - alpha/2) and -z(1 - alpha/2). R and Kayenta find those crossings by root
 * finding (tolerance 1e-4); they are exactly two order statistics of the differences, which we
 * compute directly:
 *
 *   sigma = sqrt(n*m/12 * ((N + 1) - T / (N(N - 1))))   T: sum of t^3 - t over ties within each sample
 *   low   = D(kLow),  kLow  = max(1, ceil(n*m/2 - 0.5 - zq * sigma))
 *   high  = D(kHigh), kHigh = min(n*m, floor(n*m/2 + 0.5 + zq * sigma) + 1)
 *
 * where D(k) is the k-th smallest difference and zq = z(1 - (1 - confidence)/2). Ties between the
 * two samples do not enter sigma: between two consecutive differences no shifted canary value equals
 * a baseline value. docs/analysis.md derives the ranks.
 */
import { normalUpperQuantile } from "./normal-distribution.js";
import { pairwiseDifferenceOrderStatistics } from "./pairwise-difference-selection.js";

export interface ShiftEstimate {
  /** Median of all canary - baseline differences. */
  readonly estimate: number;
  readonly ci: readonly [low: number, high: number];
  /** Ranks (1-based, among the n*m sorted differences) of the interval's ends. */
  readonly ciRanks: readonly [low: number, high: number];
}

/** Hodges-Lehmann shift of sorted canary over sorted baseline samples, with its confidence interval. */
export function hodgesLehmannShift(
  canary: Float64Array,
  baseline: Float64Array,
  confidence: number,
  withinTies?: number,
): ShiftEstimate {
  if (!(confidence > 0 && confidence < 1))
    throw new RangeError(`confidence must be in (0, 1), got ${confidence}`);
  const n = canary.length;
  const m = baseline.length;
  if (n === 0 || m === 0) throw new RangeError("a shift estimate needs samples on both sides");
  const total = n * m;
  const size = n + m;
  // The caller may pass the term from its Mann-Whitney merge (the same sums) to save two passes.
  const tieTerm = withinTies ?? withinTieTerm(canary) + withinTieTerm(baseline);
  const sigma = Math.sqrt(((n * m) / 12) * (size + 1 - tieTerm / (size * (size - 1))));
  const zq = normalUpperQuantile((1 - confidence) / 2);
  const kLow = Math.max(1, Math.ceil(total / 2 - 0.5 - zq * sigma));
  const kHigh = Math.min(total, Math.floor(total / 2 + 0.5 + zq * sigma) + 1);
  const middle = total % 2 === 1 ? [(total + 1) / 2] : [total / 2, total / 2 + 1];
  const [low, high, ...medians] = pairwiseDifferenceOrderStatistics(canary, baseline, [
    kLow,
    kHigh,
    ...middle,
  ]);
  const estimate = medians.length === 1 ? medians[0]! : (medians[0]! + medians[1]!) / 2;
  return { estimate, ci: [low!, high!], ciRanks: [kLow, kHigh] };
}

/** sum(t^3 - t) over the runs of equal values of one sorted sample. */
function withinTieTerm(sorted: Float64Array): number {
  let term = 0;
  let start = 0;
  for (let i = 1; i <= sorted.length; i++) {
    if (i === sorted.length || sorted[i] !== sorted[start]) {
      const t = i - start;
      term += t * t * t - t;
      start = i;
    }
  }
  return term;
}
