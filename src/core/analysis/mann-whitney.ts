/**
 * Two-sided Mann-Whitney U test (Mann & Whitney, Ann. Math. Statist. 18 (1947) 50-60) by the
 * normal approximation with tie and continuity correction, exactly as scipy.stats.mannwhitneyu
 * computes it with method="asymptotic", use_continuity=True (scipy/stats/_mannwhitneyu.py,
 * `_get_mwu_z`) and as R's wilcox.test(correct = TRUE) does:
 *
 *   U1    = #{(c, b) : c > b} + #{(c, b) : c = b} / 2      (canary c, baseline b)
 *   sigma = sqrt(n*m/12 * ((N + 1) - sum(t^3 - t) / (N(N - 1))))   t: sizes of tie groups, N = n + m
 *   z     = (max(U1, n*m - U1) - n*m/2 - 0.5) / sigma
 *   p     = min(1, 2 * P(Z > z))
 *
 * No exact distribution is used, even for small tie-free samples: the canary judge needs the same
 * method at every size, and docs/analysis.md says so.
 */
import { withGuards } from "./guarded-samples.js";
import { normalSurvival } from "./normal-distribution.js";

export interface MannWhitneyResult {
  /** U of the canary: pairs where the canary sample is larger, ties counting one half. */
  readonly u: number;
  readonly z: number;
  readonly pValue: number;
  /**
   * sum(t^3 - t) over runs of equal values inside each sample separately (not across them): the
   * Hodges-Lehmann interval's tie correction, counted in the same merge.
   */
  readonly withinTieTerm: number;
  /**
   * Sums of the canary and of the baseline samples, added in ascending order (exactly what a loop
   * over each sorted sample gives), for the judge's mean ratio: counted in the same passes.
   */
  readonly canarySum: number;
  readonly baselineSum: number;
}

/** Mann-Whitney U test of sorted canary samples against sorted baseline samples (both non-empty). */
export function mannWhitneyU(canary: Float64Array, baseline: Float64Array): MannWhitneyResult {
  const n = canary.length;
  const m = baseline.length;
  if (n === 0 || m === 0) throw new RangeError("the Mann-Whitney U test needs samples on both sides");
  // One pass over the canary's runs of equal values, with two pointers into the baseline (values
  // below the run's value, and at or below it) that only move forward: O(n + m) after the sorts.
  // Pointers move by the count of true comparisons among four values (a +Infinity guard follows
  // the baseline), which avoids a loop exit that mispredicts at almost every canary value. The
  // second pointer is only needed when the baseline holds the value at all (never, for samples of
  // continuous data): one comparison tells.
  // Tie groups: for a value with a canary and b baseline samples,
  //   (a + b)^3 - (a + b) = (a^3 - a) + (b^3 - b) + 3ab(a + b),
  // so the combined term is the within-sample terms plus the cross term of shared values.
  const guarded = withGuards(baseline);
  let u = 0;
  let canaryTies = 0;
  let crossTies = 0;
  let canarySum = 0;
  let below = 0;
  let i = 0;
  while (i < n) {
    const value = canary[i]!;
    canarySum += value;
    let end = i + 1;
    while (end < n && canary[end] === value) {
      canarySum += value;
      end++;
    }
    const a = end - i;
    below = firstAtLeast(guarded, below, value);
    const b = guarded[below] === value ? firstAbove(guarded, below, value) - below : 0;
    u += a * (below + b / 2);
    canaryTies += a * a * a - a;
    crossTies += 3 * a * b * (a + b);
    i = end;
  }
  const baselineRuns = runTermAndSum(baseline);
  const withinTieTerm = canaryTies + baselineRuns.term;
  const tieTerm = withinTieTerm + crossTies;
  const total = n + m;
  const sigma = Math.sqrt(((n * m) / 12) * (total + 1 - tieTerm / (total * (total - 1))));
  const larger = Math.max(u, n * m - u);
  // When every value is tied sigma is 0 and z is -Infinity, which gives p = 1, as in scipy.
  const z = (larger - (n * m) / 2 - 0.5) / sigma;
  return {
    u,
    z,
    pValue: Math.min(1, 2 * normalSurvival(z)),
    withinTieTerm,
    canarySum,
    baselineSum: baselineRuns.sum,
  };
}

/** The first index c >= from with guarded[c] >= value. */
function firstAtLeast(guarded: Float64Array, from: number, value: number): number {
  let c = from;
  for (;;) {
    const step =
      ((guarded[c]! < value) as unknown as number) +
      ((guarded[c + 1]! < value) as unknown as number) +
      ((guarded[c + 2]! < value) as unknown as number) +
      ((guarded[c + 3]! < value) as unknown as number);
    c += step;
    if (step < 4) return c;
  }
}

/** The first index c >= from with guarded[c] > value. */
function firstAbove(guarded: Float64Array, from: number, value: number): number {
  let c = from;
  for (;;) {
    const step =
      ((guarded[c]! <= value) as unknown as number) +
      ((guarded[c + 1]! <= value) as unknown as number) +
      ((guarded[c + 2]! <= value) as unknown as number) +
      ((guarded[c + 3]! <= value) as unknown as number);
    c += step;
    if (step < 4) return c;
  }
}

/** sum(t^3 - t) over the runs of equal values of one sorted sample, and the sum of its values. */
function runTermAndSum(sorted: Float64Array): { term: number; sum: number } {
  let term = 0;
  let sum = 0;
  let start = 0;
  for (let i = 1; i <= sorted.length; i++) {
    sum += sorted[i - 1]!;
    if (i === sorted.length || sorted[i] !== sorted[start]) {
      const t = i - start;
      term += t * t * t - t;
      start = i;
    }
  }
  return { term, sum };
}
