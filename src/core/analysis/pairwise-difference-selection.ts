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
 * A typical 100,000 x 100,000 judgement needs two counting passes instead of 10^10 differences.
 *
 * Every comparison uses the computed difference x[i] - y[j] itself (never a rearranged form), so the
 * result is exactly the k-th element numpy finds by sorting `np.subtract.outer(x, y)`.
 */
import { selectInPlace } from "./select-in-place.js";

/**
 * A bound of the value interval still holding a wanted rank, with the column limits it implies.
 * Low fences exclude D <= value; high fences exclude D > value, or D >= value when `strict` (used
 * to cut off a run of equal differences too long to list).
 */
interface Fence {
  readonly value: number;
  /** Differences at or below the fence: #{D <= value}, or #{D < value} when strict. */
  readonly count: number;
  /** Per row i, #{j : D[i][j] > value} (>= value when strict): the first column not excluded. */
  readonly rows: Int32Array;
}

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

const GOLDEN_FRACTION = 0.6180339887498949;
const SAMPLE_SIZE = 32_768;

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
  const everything: Fence = { value: Number.NEGATIVE_INFINITY, count: 0, rows: new Int32Array(n).fill(m) };
  const nothing: Fence = { value: Number.POSITIVE_INFINITY, count: total, rows: new Int32Array(n) };
  const targets: Target[] = ranks.map((rank) => ({
    rank,
    low: everything,
    high: nothing,
    result: undefined,
    sample: true,
    margin: 1e-4,
  }));
  const listLimit = 2 * (n + m) + 4096;
  const guarded = new Float64Array(m + 1);
  guarded.set(y);
  guarded[m] = Number.POSITIVE_INFINITY;

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
    for (const t of narrowing) {
      const before = t.high.count - t.low.count;
      const sampled = t.sample;
      for (const c of counted) narrow(t, c);
      const after = t.high.count - t.low.count;
      t.sample = after * 2 > before;
      // A missed interpolation (the rank fell outside its bracket) retries with a wider one.
      if (!sampled && after > 2 * (t.margin * before + 256) + 1) t.margin = Math.min(0.05, t.margin * 16);
      // Sampling found nothing inside but the high fence's value: a run of ties too long to list.
      if (sampled && after === before) settleTies(x, y, t);
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
function settleTies(x: Float64Array, y: Float64Array, t: Target): void {
  const strict = countBelow(x, y, t.high.value, t.low.rows, t.high.rows);
  if (strict.count < t.rank) t.result = t.high.value;
  else t.high = strict;
}

/**
 * Sample order statistics bracketing each rank's expected place in the sample, 1.5 binomial
 * standard deviations away (the jittered stratified sample errs far less than a random one, and a
 * miss costs one round). Ranks whose brackets overlap share one pair of pivots.
 */
function samplePivots(
  sample: Float64Array,
  low: Fence,
  active: number,
  targets: readonly Target[],
): number[] {
  const s = sample.length;
  const windows = targets.map((t): [number, number] => {
    const fraction = (t.rank - low.count) / active;
    const margin = 1.5 * Math.sqrt(s * fraction * (1 - fraction)) + 1;
    return [Math.floor(fraction * s - margin), Math.ceil(fraction * s + margin)];
  });
  const out: number[] = [];
  for (const [below, above] of mergeOverlapping(windows)) {
    if (above < s) out.push(selectInPlace(sample, above));
    if (below >= 0) out.push(selectInPlace(sample, below));
    if (above >= s && below < 0) out.push(selectInPlace(sample, s >> 1));
  }
  return out;
}

/**
 * Values where each rank would sit, +- a margin, if the differences were spread evenly between the
 * counted fences (regula falsi on the count). Ranks whose margins overlap share one pair.
 */
function interpolatedPivots(low: Fence, high: Fence, active: number, targets: readonly Target[]): number[] {
  if (targets.length === 0 || !Number.isFinite(low.value) || !Number.isFinite(high.value)) return [];
  const width = high.value - low.value;
  const windows = targets.map((t): [number, number] => {
    const margin = t.margin * active + 256;
    return [t.rank - low.count - margin, t.rank - low.count + margin];
  });
  const out: number[] = [];
  for (const [below, above] of mergeOverlapping(windows)) {
    if (below > 0) out.push(low.value + (below / active) * width);
    if (above < active) out.push(low.value + (above / active) * width);
  }
  return out;
}

function mergeOverlapping(windows: [number, number][]): [number, number][] {
  const sorted = [...windows].sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [lo, hi] of sorted) {
    const last = merged.at(-1);
    if (last !== undefined && lo <= last[1]) last[1] = Math.max(last[1], hi);
    else merged.push([lo, hi]);
  }
  return merged;
}

/**
 * Exact #{D <= v} for one pivot: the pointer to the first column with D <= v only moves forward
 * from row to row, so the pass is O(n + m). (One tight loop per pivot runs several times faster in
 * V8 than one loop carrying every pivot's pointer, and the +Infinity guard after the last column
 * saves a bounds check per step.)
 */
function countAtMost(x: Float64Array, guarded: Float64Array, v: number): Fence {
  const n = x.length;
  const m = guarded.length - 1;
  const rows = new Int32Array(n);
  let column = 0;
  let excluded = 0;
  for (let i = 0; i < n; i++) {
    const xi = x[i]!;
    // guarded[m] is +Infinity: xi - Infinity > v is false, so no bounds check is needed.
    while (xi - guarded[column]! > v) column++;
    rows[i] = column;
    excluded += column;
  }
  return { value: v, count: n * m - excluded, rows };
}

/** Exact #{D < v} inside the target's interval, as a strict high fence. */
function countBelow(
  x: Float64Array,
  y: Float64Array,
  v: number,
  lowRows: Int32Array,
  highRows: Int32Array,
): Fence {
  const n = x.length;
  const rows = new Int32Array(n);
  let column = 0;
  let excluded = 0;
  for (let i = 0; i < n; i++) {
    const xi = x[i]!;
    const limit = lowRows[i]!;
    if (column < highRows[i]!) column = highRows[i]!;
    while (column < limit && xi - y[column]! >= v) column++;
    rows[i] = column;
    excluded += column;
  }
  return { value: v, count: n * y.length - excluded, rows };
}

/** Every difference inside the interval, row by row. */
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
function sampleActive(
  x: Float64Array,
  y: Float64Array,
  low: Fence,
  high: Fence,
  active: number,
): Float64Array {
  const size = Math.min(SAMPLE_SIZE, active);
  const out = new Float64Array(size);
  const step = active / size;
  const m = y.length;
  let jitter = 0.5;
  if (low.count === 0 && high.count === x.length * m) {
    // Every difference is still in: the r-th in row-major order is at row r / m, column r % m.
    for (let k = 0; k < size; k++) {
      const r = Math.floor(step * (k + jitter));
      const row = Math.floor(r / m);
      out[k] = x[row]! - y[r - row * m]!;
      jitter += GOLDEN_FRACTION;
      if (jitter >= 1) jitter -= 1;
    }
    return out;
  }
  let k = 0;
  let next = step * jitter;
  let before = 0;
  for (let i = 0; i < x.length && k < size; i++) {
    const start = high.rows[i]!;
    const width = low.rows[i]! - start;
    const xi = x[i]!;
    while (k < size && next < before + width) {
      out[k++] = xi - y[start + Math.floor(next - before)]!;
      jitter += GOLDEN_FRACTION;
      if (jitter >= 1) jitter -= 1;
      next = step * (k + jitter);
    }
    before += width;
  }
  return k === size ? out : out.subarray(0, k);
}
