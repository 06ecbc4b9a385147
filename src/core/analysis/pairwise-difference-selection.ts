/**
 * Order statistics of the n*m pairwise differences x[i] - y[j] without forming them.
 *
 * With x and y sorted ascending, the differences form an implicit matrix whose rows (fixed i) fall
 * as j grows and whose columns rise as i grows, so the number of differences <= v is counted in
 * O(n + m) by one monotone pointer (Johnson & Mizoguchi, "Selecting the Kth element in X + Y and
 * X1 + X2 + ... + Xm", SIAM J. Comput. 7 (1978); Monahan, "Fast computation of the Hodges-Lehmann
 * location estimator", ACM TOMS 10 (1984), Algorithm 616). We keep, per wanted rank, an interval
 * (low, high] of values known to hold it, with the column range each row still has inside, and
 * narrow it round by round with pivots counted exactly:
 *
 * - first from a sample of the differences, two pivots per rank around its expected place in the
 *   sample (Floyd & Rivest, "Expected time bounds for selection", CACM 18 (1975));
 * - then by interpolating the rank linearly between the interval's counted ends (regula falsi on
 *   the count), +- 0.01% of the interval: for continuous data the count is so close to linear
 *   there that the rank lands inside; a miss widens the bracket 16 times, and a round that does
 *   not halve the interval falls back to sampling (ties make the count a staircase);
 * - pivots that several ranks share (the two middle ranks of the median) are counted once;
 * - once few differences remain they are listed and selected directly.
 * Samples of 256 values or more on both sides start from an estimate made on every 16th value
 * (difference-bracket.ts), which for continuous data settles each rank in one pass; what it leaves
 * open (long runs of ties, a rare miss) continues here from the fences it counted. A typical
 * 100,000 x 100,000 metric needs one pass per interval end and one for the median.
 *
 * Every comparison uses the computed difference x[i] - y[j] itself (never a rearranged form), so the
 * result is exactly the k-th element numpy finds by sorting `np.subtract.outer(x, y)`.
 */
import {
  type BracketOutcome,
  bracketByEstimate,
  ESTIMATE_MIN_LENGTH,
  type ThinnedSelection,
} from "./difference-bracket.js";
import { countAtMost, countBelow, type Fence, guardColumns, listActive } from "./difference-fence.js";
import { interpolatedPivots, sampleActive, samplePivots } from "./difference-pivots.js";
import { selectInPlace } from "./select-in-place.js";

/** The fences of a target settled by the estimate's bracket alone (never read). */
const PLACEHOLDER: Fence = { value: Number.NaN, count: 0, rows: new Int32Array(0) };

interface Target {
  readonly rank: number;
  low: Fence;
  high: Fence;
  result: number | undefined;
  /** Whether the next round should sample instead of interpolating. */
  sample: boolean;
  /** Half-width of the interpolation bracket, as a fraction of the interval's differences. */
  margin: number;
}

/**
 * The k-th smallest x[i] - y[j] (1-based k) for each requested k; x and y sorted ascending.
 * `estimate` solves the thinned problem whose answers only choose where to look (tests pass a
 * wrong one to prove that the answers never depend on it).
 */
export function pairwiseDifferenceOrderStatistics(
  x: Float64Array,
  y: Float64Array,
  ranks: readonly number[],
  estimate: ThinnedSelection = pairwiseDifferenceOrderStatistics,
): number[] {
  const n = x.length;
  const m = y.length;
  const total = n * m;
  for (const k of ranks) {
    if (!Number.isInteger(k) || k < 1 || k > total) throw new RangeError(`rank ${k} is outside 1..${total}`);
  }
  // The fences around the whole matrix (two arrays of n rows) are only made when a rank needs them:
  // usually the estimate's bracket settles every rank.
  let whole: { everything: Fence; nothing: Fence } | undefined;
  const wholeMatrix = () => {
    whole ??= {
      everything: { value: Number.NEGATIVE_INFINITY, count: 0, rows: new Int32Array(n).fill(m) },
      nothing: { value: Number.POSITIVE_INFINITY, count: total, rows: new Int32Array(n) },
    };
    return whole;
  };
  const listLimit = 2 * (n + m) + 4096;
  const guarded = guardColumns(y);
  const outcomes: readonly BracketOutcome[] =
    Math.min(n, m) >= ESTIMATE_MIN_LENGTH
      ? bracketByEstimate(x, y, guarded, ranks, estimate)
      : ranks.map((rank) => ({ rank }));
  const targets: Target[] = outcomes.map((outcome) => ({
    rank: outcome.rank,
    low: outcome.low ?? (outcome.result === undefined ? wholeMatrix().everything : PLACEHOLDER),
    high: outcome.high ?? (outcome.result === undefined ? wholeMatrix().nothing : PLACEHOLDER),
    result: outcome.result,
    sample: true,
    margin: 1e-4,
  }));

  for (let round = 0; round < 200; round++) {
    const open = targets.filter((t) => t.result === undefined);
    if (open.length === 0) break;
    const pivots = new Set<number>();
    const narrowing: Target[] = [];
    for (const [low, high, members] of groupByInterval(open)) {
      const active = high.count - low.count;
      if (active <= listLimit) {
        const listed = listActive(x, y, low.rows, high.rows, active);
        for (const t of members) t.result = selectInPlace(listed, t.rank - low.count - 1);
        continue;
      }
      const sampling = members.filter((t) => t.sample);
      const interpolating = members.filter((t) => !t.sample);
      const candidates = [
        ...(sampling.length > 0
          ? samplePivots(sampleActive(x, y, low, high, active), low, active, sampling)
          : []),
        ...interpolatedPivots(low, high, active, interpolating),
      ];
      for (const p of candidates) if (p > low.value && p < high.value) pivots.add(p);
      narrowing.push(...members);
    }
    const counted = [...pivots].map((p) => countAtMost(x, guarded, p));
    const strictCounts = new Map<Fence, Fence>();
    for (const t of narrowing) {
      const before = t.high.count - t.low.count;
      const sampled = t.sample;
      for (const c of counted) narrow(t, c);
      const after = t.high.count - t.low.count;
      t.sample = after * 2 > before;
      // A missed interpolation (the rank fell outside its bracket) retries with a wider one.
      if (!sampled && after > 2 * (t.margin * before + 256) + 1) t.margin = Math.min(0.05, t.margin * 16);
      // Sampling found nothing inside but the high fence's value: a run of ties too long to list.
      if (sampled && after === before) settleTies(x, y, t, strictCounts);
    }
  }
  return targets.map((t) => {
    if (t.result === undefined) throw new Error(`selection of rank ${t.rank} did not converge`);
    return t.result;
  });
}

function groupByInterval(targets: readonly Target[]): [Fence, Fence, Target[]][] {
  const groups: [Fence, Fence, Target[]][] = [];
  for (const t of targets) {
    const same = groups.find(([low, high]) => low === t.low && high === t.high);
    if (same) same[2].push(t);
    else groups.push([t.low, t.high, [t]]);
  }
  return groups;
}

/** Moves a fence of the target to a counted pivot that still encloses its rank. */
function narrow(t: Target, c: Fence): void {
  if (t.rank <= c.count) {
    if (c.value < t.high.value) t.high = c;
  } else if (c.value > t.low.value) t.low = c;
}

/** Either the rank lies in the run of differences equal to the high fence, or a strict fence cuts the run off. */
function settleTies(x: Float64Array, y: Float64Array, t: Target, strictCounts: Map<Fence, Fence>): void {
  // The strict count depends only on the high fence, so ranks sharing it share one pass.
  const strict = strictCounts.get(t.high) ?? countBelow(x, y, t.high.value, t.low.rows, t.high.rows);
  strictCounts.set(t.high, strict);
  if (strict.count < t.rank) t.result = t.high.value;
  else t.high = strict;
}
