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
}

/** Mann-Whitney U test of sorted canary samples against sorted baseline samples (both non-empty). */
export function mannWhitneyU(canary: Float64Array, baseline: Float64Array): MannWhitneyResult {
  const n = canary.length;
  const m = baseline.length;
  if (n === 0 || m === 0) throw new RangeError("the Mann-Whitney U test needs samples on both sides");
  // One merge of the two sorted arrays visits every tie group once: O(n + m) after the sorts.
  let u = 0;
  let tieTerm = 0;
  let withinTieTerm = 0;
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    const value = Math.min(i < n ? canary[i]! : Infinity, j < m ? baseline[j]! : Infinity);
    const canaryStart = i;
    const baselineStart = j;
    while (i < n && canary[i] === value) i++;
    while (j < m && baseline[j] === value) j++;
    const inCanary = i - canaryStart;
    const inBaseline = j - baselineStart;
    const t = inCanary + inBaseline;
    u += inCanary * (baselineStart + inBaseline / 2);
    tieTerm += t * t * t - t;
    withinTieTerm +=
      inCanary * inCanary * inCanary - inCanary + inBaseline * inBaseline * inBaseline - inBaseline;
  }
  const total = n + m;
  const sigma = Math.sqrt(((n * m) / 12) * (total + 1 - tieTerm / (total * (total - 1))));
  const larger = Math.max(u, n * m - u);
  // When every value is tied sigma is 0 and z is -Infinity, which gives p = 1, as in scipy.
  const z = (larger - (n * m) / 2 - 0.5) / sigma;
  return { u, z, pValue: Math.min(1, 2 * normalSurvival(z)), withinTieTerm };
}
