/**
 * Pivots for narrowing the intervals that hold wanted ranks of the pairwise differences: order
 * statistics of a stratified sample of the interval (Floyd & Rivest, "Expected time bounds for
 * selection", CACM 18 (1975)), or values interpolated between the interval's counted ends
 * (regula falsi on the count). Ranks whose brackets overlap share one pair of pivots.
 */
import type { Fence } from "./difference-fence.js";
import { selectInPlace } from "./select-in-place.js";

/** A wanted rank and the half-width of its interpolation bracket (a fraction of the interval). */
export interface RankWindow {
  readonly rank: number;
  readonly margin: number;
}

const GOLDEN_FRACTION = 0.6180339887498949;
const SAMPLE_SIZE = 32_768;
const MIN_SAMPLE_SIZE = 1024;

/**
 * Sample order statistics bracketing each rank's expected place in the sample, 1.5 binomial
 * standard deviations away (the jittered stratified sample errs far less than a random one, and a
 * miss costs one round). Ranks whose brackets overlap share one pair of pivots.
 */
export function samplePivots(
  sample: Float64Array,
  low: Fence,
  active: number,
  targets: readonly RankWindow[],
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
export function interpolatedPivots(
  low: Fence,
  high: Fence,
  active: number,
  targets: readonly RankWindow[],
): number[] {
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
 * How many differences to sample from `active` ones in an n x m matrix: about active^(2/3), as
 * Floyd and Rivest advise, and no more than the n + m steps of the counting pass the round also
 * takes (a larger sample narrows further but costs more than another round); between 1,024 and
 * 32,768. A fixed 32,768 took a third of the thinned problems' few hundred thousand differences
 * in every round, and samples with long runs of ties take several rounds.
 */
export function sampleSize(active: number, rowsAndColumns: number): number {
  const size = Math.min(SAMPLE_SIZE, rowsAndColumns, Math.ceil(active ** (2 / 3)));
  return Math.min(active, Math.max(MIN_SAMPLE_SIZE, size));
}

/**
 * One active difference from each of `size` equal strata of the interval in row-major order, at an
 * offset inside its stratum that follows the golden-ratio sequence: a plain every-k-th sample
 * aliases with the row length (the same column in every row) and misplaces the pivots.
 */
export function sampleActive(
  x: Float64Array,
  y: Float64Array,
  low: Fence,
  high: Fence,
  active: number,
): Float64Array {
  const size = sampleSize(active, x.length + y.length);
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
