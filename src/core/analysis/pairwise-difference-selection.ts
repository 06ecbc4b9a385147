/**
 * Order statistics of the n*m pairwise differences x[i] - y[j] without forming them.
 *
 * With x and y sorted ascending, the differences form an implicit matrix whose rows (fixed i) fall
 * as j grows and whose columns rise as i grows, so the number of differences <= v is counted in
 * O(n + m) by one monotone pointer (Johnson & Mizoguchi, "Selecting the Kth element in X + Y and
 * X1 + X2 + ... + Xm", SIAM J. Comput. 7 (1978); Monahan, "Fast computation of the Hodges-Lehmann
 * location estimator", ACM TOMS 10 (1984), Algorithm 616). We keep, per wanted rank, an open value
 * interval (low, high) known to contain it with, per row, the column range of the differences still
 * inside; draw a stratified sample of those, take two pivots around the rank's expected place
 * (Floyd & Rivest, "Expected time bounds for selection", CACM 18 (1975)), count each pivot exactly,
 * and narrow. Once few differences remain they are listed and selected directly. Expected cost is
 * a handful of O(n + m) passes per rank instead of the O(nm) of enumerating every pair.
 *
 * Every comparison uses the computed difference x[i] - y[j] itself (never a rearranged form), so the
 * result is exactly the k-th element numpy finds by sorting `np.subtract.outer(x, y)`.
 */
import { selectInPlace } from "./select-in-place.js";

/**
 * A bound of the value interval still holding a wanted rank, with the per-row column limits it
 * implies. Low fences exclude D <= value; high fences exclude D > value, or D >= value once
 * `strict` (needed when a run of equal differences is too long to list).
 */
interface Fence {
  readonly value: number;
  /** How many differences lie at or below the fence: #{D <= value}, or #{D < value} when strict. */
  readonly count: number;
  /** Per row i, #{j : D[i][j] > value} (or >= value when strict): the first column not excluded. */
  readonly rows: Int32Array;
  readonly strict: boolean;
}

const GOLDEN_FRACTION = 0.6180339887498949;

interface Target {
  readonly rank: number;
  low: Fence;
  high: Fence;
  result: number | undefined;
}

/** The k-th smallest x[i] - y[j] (1-based k) for each requested k; x and y sorted ascending. */
export function pairwiseDifferenceOrderStatistics(
  x: Float64Array,
  y: Float64Array,
  ranks: readonly number[],
): number[] {
  const n = x.length;
  const m = y.length;
  const total = n * m;
  for (const k of ranks) {
    if (!Number.isInteger(k) || k < 1 || k > total) throw new RangeError(`rank ${k} is outside 1..${total}`);
  }
  const everything: Fence = { value: -Infinity, count: 0, rows: new Int32Array(n).fill(m), strict: false };
  const nothing: Fence = { value: Infinity, count: total, rows: new Int32Array(n), strict: false };
  const targets: Target[] = ranks.map((rank) => ({
    rank,
    low: everything,
    high: nothing,
    result: undefined,
  }));
  const listLimit = 2 * (n + m) + 4096;

  for (let round = 0; round < 400; round++) {
    const open = targets.filter((t) => t.result === undefined);
    if (open.length === 0) break;
    // Targets whose intervals coincide share one sample and one set of pivot counts.
    const groups = new Map<Fence, Map<Fence, Target[]>>();
    for (const t of open) {
      const byHigh = groups.get(t.low) ?? new Map<Fence, Target[]>();
      groups.set(t.low, byHigh);
      byHigh.set(t.high, [...(byHigh.get(t.high) ?? []), t]);
    }
    for (const [low, byHigh] of groups) {
      for (const [high, members] of byHigh) {
        const active = high.count - low.count;
        if (active <= listLimit) {
          const listed = listActive(x, y, low.rows, high.rows, active);
          for (const t of members) t.result = selectInPlace(listed, t.rank - low.count - 1);
          continue;
        }
        const sample = stratifiedSample(x, y, low.rows, high.rows, active, Math.min(16_384, active));
        const pivots = new Set<number>();
        for (const t of members)
          for (const p of pivotsFor(sample, (t.rank - low.count) / active)) pivots.add(p);
        const counts = [...pivots].map((p) => countAtMost(x, y, p, low.rows, high.rows, false));
        for (const t of members) {
          for (const c of counts) narrow(t, c);
          if (t.low === low && t.high === high) settleTies(x, y, t);
        }
      }
    }
  }
  return targets.map((t) => {
    if (t.result === undefined) throw new Error(`selection of rank ${t.rank} did not converge`);
    return t.result;
  });
}

/** Moves a fence of the target to a counted pivot that still encloses its rank. */
function narrow(t: Target, c: Fence): void {
  if (t.rank <= c.count) {
    if (c.value < t.high.value) t.high = c;
  } else if (c.value > t.low.value) t.low = c;
}

/**
 * No pivot moved a fence, so every sampled difference equalled the high fence: a run of ties too
 * long to list. Either the rank falls in that run, or the run can be excluded with a strict fence.
 */
function settleTies(x: Float64Array, y: Float64Array, t: Target): void {
  const strict = countAtMost(x, y, t.high.value, t.low.rows, t.high.rows, true);
  if (strict.count < t.rank) t.result = t.high.value;
  else t.high = strict;
}

/**
 * Two sample order statistics bracketing the wanted fraction. The margin is 1.5 binomial standard
 * deviations rather than Floyd-Rivest's wider one because the jittered stratified sample errs far
 * less than a random one; a miss only costs one more round.
 */
function pivotsFor(sample: Float64Array, fraction: number): number[] {
  const s = sample.length;
  const at = fraction * s;
  const margin = 1.5 * Math.sqrt(s * fraction * (1 - fraction)) + 1;
  const out: number[] = [];
  const below = Math.floor(at - margin);
  const above = Math.ceil(at + margin);
  if (above < s) out.push(selectInPlace(sample, above));
  if (below >= 0) out.push(selectInPlace(sample, below));
  if (out.length === 0) out.push(selectInPlace(sample, Math.min(s - 1, Math.max(0, Math.round(at)))));
  return out;
}

/** Exact #{D <= v} (or #{D < v} when strict), scanning each row only inside the current interval. */
function countAtMost(
  x: Float64Array,
  y: Float64Array,
  v: number,
  lowRows: Int32Array,
  highRows: Int32Array,
  strict: boolean,
): Fence {
  const n = x.length;
  const rows = new Int32Array(n);
  let column = 0;
  let excluded = 0;
  for (let i = 0; i < n; i++) {
    const xi = x[i]!;
    const limit = lowRows[i]!;
    if (column < highRows[i]!) column = highRows[i]!;
    if (strict) while (column < limit && xi - y[column]! >= v) column++;
    else while (column < limit && xi - y[column]! > v) column++;
    rows[i] = column;
    excluded += column;
  }
  return { value: v, count: n * y.length - excluded, rows, strict };
}

/** Every difference strictly inside the interval, row by row. */
function listActive(
  x: Float64Array,
  y: Float64Array,
  lowRows: Int32Array,
  highRows: Int32Array,
  size: number,
) {
  const out = new Float64Array(size);
  let k = 0;
  for (let i = 0; i < x.length; i++) {
    const xi = x[i]!;
    for (let j = highRows[i]!; j < lowRows[i]!; j++) out[k++] = xi - y[j]!;
  }
  return out;
}

/**
 * One active difference from each of `size` equal strata of the interval in row-major order, at an
 * offset inside its stratum that follows the golden-ratio sequence: a plain every-k-th sample
 * aliases with the row length (the same column in every row) and misplaces the pivots.
 */
function stratifiedSample(
  x: Float64Array,
  y: Float64Array,
  lowRows: Int32Array,
  highRows: Int32Array,
  active: number,
  size: number,
): Float64Array {
  const out = new Float64Array(size);
  const step = active / size;
  let jitter = 0.5;
  let next = step * jitter;
  let k = 0;
  let before = 0;
  for (let i = 0; i < x.length && k < size; i++) {
    const start = highRows[i]!;
    const width = lowRows[i]! - start;
    const xi = x[i]!;
    while (k < size && next < before + width) {
      out[k++] = xi - y[start + Math.floor(next - before)]!;
      jitter = (jitter + GOLDEN_FRACTION) % 1;
      next = step * (k + jitter);
    }
    before += width;
  }
  return k === size ? out : out.subarray(0, k);
}
