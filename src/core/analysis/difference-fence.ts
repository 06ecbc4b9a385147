/**
 * The implicit matrix of pairwise differences D[i][j] = x[i] - y[j] (x, y sorted ascending: rows
 * fall as j grows, columns rise as i grows) and the fences that cut it: counting the differences
 * at or below a value in O(n + m) with one monotone pointer (Johnson & Mizoguchi, SIAM J. Comput.
 * 7 (1978)), and listing those between two fences. Comparisons always use the computed difference
 * x[i] - y[j] itself, so counts agree exactly with sorting np.subtract.outer(x, y).
 */
import { GUARD, withGuards } from "./guarded-samples.js";

export { GUARD };

/**
 * A bound of the value interval still holding a wanted rank, with the column limits it implies.
 * Low fences exclude D <= value; high fences exclude D > value, or D >= value when `strict` (used
 * to cut off a run of equal differences too long to list).
 */
export interface Fence {
  readonly value: number;
  /** Differences at or below the fence: #{D <= value}, or #{D < value} when strict. */
  readonly count: number;
  /** Per row i, #{j : D[i][j] > value} (>= value when strict): the first column not excluded. */
  readonly rows: Int32Array;
}

/**
 * y followed by GUARD times +Infinity, the column array the counting passes read: y's own memory
 * when sortSamples left the guards after it, else a copy.
 */
export function guardColumns(y: Float64Array): Float64Array {
  return withGuards(y);
}

/**
 * Exact #{D <= v} for one pivot, given y followed by GUARD times +Infinity (`guarded`): the pointer
 * to the first column with D <= v only moves forward from row to row, so the pass is O(n + m).
 * The pointer moves by the number of true comparisons among four consecutive columns (they are
 * true then false, since a row falls), so a typical row takes one predictable step instead of a
 * data-dependent loop exit, which mispredicts about once per row; the +Infinity guards after the
 * last column make x - Infinity > v false and save every bounds check.
 */
export function countAtMost(x: Float64Array, guarded: Float64Array, v: number): Fence {
  const n = x.length;
  const m = guarded.length - GUARD;
  const rows = new Int32Array(n);
  let column = 0;
  let excluded = 0;
  for (let i = 0; i < n; i++) {
    const xi = x[i]!;
    column = advanceAbove(xi, guarded, column, v);
    rows[i] = column;
    excluded += column;
  }
  return { value: v, count: n * m - excluded, rows };
}

/** The first column c >= from with xi - guarded[c] <= v (guarded[from] is never past the guards). */
function advanceAbove(xi: number, guarded: Float64Array, from: number, v: number): number {
  let c = from;
  for (;;) {
    const step =
      ((xi - guarded[c]! > v) as unknown as number) +
      ((xi - guarded[c + 1]! > v) as unknown as number) +
      ((xi - guarded[c + 2]! > v) as unknown as number) +
      ((xi - guarded[c + 3]! > v) as unknown as number);
    c += step;
    if (step < 4) return c;
  }
}

/** The first column c >= from with xi - guarded[c] < v. */
function advanceAtLeast(xi: number, guarded: Float64Array, from: number, v: number): number {
  let c = from;
  for (;;) {
    const step =
      ((xi - guarded[c]! >= v) as unknown as number) +
      ((xi - guarded[c + 1]! >= v) as unknown as number) +
      ((xi - guarded[c + 2]! >= v) as unknown as number) +
      ((xi - guarded[c + 3]! >= v) as unknown as number);
    c += step;
    if (step < 4) return c;
  }
}

/** The counts around a bracket [low, high] and, when they fit, the differences inside it. */
export interface Band {
  /** #{D < low}. */
  readonly below: number;
  /** #{D <= high}. */
  readonly atMost: number;
  /** Every D with low <= D <= high, row by row; undefined when they do not fit in the buffer. */
  readonly listed: Float64Array | undefined;
}

/**
 * One pass that counts the differences below `low` and at or below `high` (low <= high) and lists
 * those between into `buffer` (whose last four slots are slack), as long as they fit: the two
 * pointers advance side by side in each row. No per-row fences are kept: when the counts do not
 * settle a rank, countStrictlyBelow and countAtMost make the fences (rarely needed, and one
 * allocation fewer per pass when not).
 */
export function bandPass(
  x: Float64Array,
  y: Float64Array,
  guarded: Float64Array,
  low: number,
  high: number,
  buffer: Float64Array,
): Band {
  const n = x.length;
  const m = y.length;
  const capacity = buffer.length - 4;
  let size = 0;
  let first = 0;
  let last = 0;
  let excludedBelow = 0;
  let excludedAtMost = 0;
  for (let i = 0; i < n; i++) {
    const xi = x[i]!;
    first = advanceAbove(xi, guarded, first, high);
    // D >= low holds wherever D > high does, so this pointer never trails the other one.
    last = advanceAtLeast(xi, guarded, last, low);
    excludedAtMost += first;
    excludedBelow += last;
    const width = last - first;
    if (size + width > capacity) {
      size = capacity + 1;
      continue;
    }
    // Rows hold a handful of candidates at most, so writing four and keeping `width` of them
    // avoids a loop exit that mispredicts on every row; wider rows finish in the loop.
    buffer[size] = xi - guarded[first]!;
    buffer[size + 1] = xi - guarded[first + 1]!;
    buffer[size + 2] = xi - guarded[first + 2]!;
    buffer[size + 3] = xi - guarded[first + 3]!;
    for (let j = first + 4; j < last; j++) buffer[size + j - first] = xi - y[j]!;
    size += width;
  }
  return {
    below: n * m - excludedBelow,
    atMost: n * m - excludedAtMost,
    listed: size <= capacity ? buffer.subarray(0, size) : undefined,
  };
}

/**
 * bandPass for several brackets (each low <= high, one buffer each), three to a pass: one read of
 * x, and the six pointers of three brackets advance side by side in each row. Each pointer's
 * advance waits on its own previous position (load, subtract, compare, add), so a pass over one
 * bracket mostly waits on two such chains; six independent chains in one row keep the processor
 * busy, and one pass over three brackets costs about 0.6 of three passes. The steps are written
 * out here rather than calls to advanceAbove: six inlined calls exceed what the JIT inlines, and
 * pointers kept in arrays put a store and a load into every chain (both measured slower than
 * separate passes). A missing third bracket is padded with one that matches nothing. Rows list
 * one difference unconditionally (most rows hold none or one), the rest in a loop.
 */
export function bandPasses(
  x: Float64Array,
  y: Float64Array,
  guarded: Float64Array,
  lows: readonly number[],
  highs: readonly number[],
  buffers: readonly Float64Array[],
): Band[] {
  const out: Band[] = [];
  const none = Number.POSITIVE_INFINITY;
  const padding = new Float64Array(4);
  for (let at = 0; at < lows.length; at += 3) {
    const count = Math.min(3, lows.length - at);
    if (count === 1) {
      out.push(bandPass(x, y, guarded, lows[at]!, highs[at]!, buffers[at]!));
      continue;
    }
    const third = count === 3;
    const bands = bandPass3(
      x,
      y,
      guarded,
      [lows[at]!, lows[at + 1]!, third ? lows[at + 2]! : none],
      [highs[at]!, highs[at + 1]!, third ? highs[at + 2]! : none],
      [buffers[at]!, buffers[at + 1]!, third ? buffers[at + 2]! : padding],
      // One capacity for all three keeps a register free for the pointers; a padding bracket
      // lists nothing (its one write per row goes to index 0).
      Math.min(buffers[at]!.length, buffers[at + 1]!.length, third ? buffers[at + 2]!.length : Infinity) - 4,
    );
    out.push(...bands.slice(0, count));
  }
  return out;
}

function bandPass3(
  x: Float64Array,
  y: Float64Array,
  gd: Float64Array,
  [l0, l1, l2]: readonly [number, number, number],
  [h0, h1, h2]: readonly [number, number, number],
  [b0, b1, b2]: readonly [Float64Array, Float64Array, Float64Array],
  cap: number,
): Band[] {
  const n = x.length;
  const m = y.length;
  // f: first column with D <= high; e: first column with D < low; s: listed so far.
  let f0 = 0;
  let f1 = 0;
  let f2 = 0;
  let e0 = 0;
  let e1 = 0;
  let e2 = 0;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let sumE0 = 0;
  let sumE1 = 0;
  let sumE2 = 0;
  let st = 0;
  for (let i = 0; i < n; i++) {
    const xi = x[i]!;
    do {
      st =
        ((xi - gd[f0]! > h0) as unknown as number) +
        ((xi - gd[f0 + 1]! > h0) as unknown as number) +
        ((xi - gd[f0 + 2]! > h0) as unknown as number) +
        ((xi - gd[f0 + 3]! > h0) as unknown as number);
      f0 += st;
    } while (st === 4);
    do {
      st =
        ((xi - gd[e0]! >= l0) as unknown as number) +
        ((xi - gd[e0 + 1]! >= l0) as unknown as number) +
        ((xi - gd[e0 + 2]! >= l0) as unknown as number) +
        ((xi - gd[e0 + 3]! >= l0) as unknown as number);
      e0 += st;
    } while (st === 4);
    do {
      st =
        ((xi - gd[f1]! > h1) as unknown as number) +
        ((xi - gd[f1 + 1]! > h1) as unknown as number) +
        ((xi - gd[f1 + 2]! > h1) as unknown as number) +
        ((xi - gd[f1 + 3]! > h1) as unknown as number);
      f1 += st;
    } while (st === 4);
    do {
      st =
        ((xi - gd[e1]! >= l1) as unknown as number) +
        ((xi - gd[e1 + 1]! >= l1) as unknown as number) +
        ((xi - gd[e1 + 2]! >= l1) as unknown as number) +
        ((xi - gd[e1 + 3]! >= l1) as unknown as number);
      e1 += st;
    } while (st === 4);
    do {
      st =
        ((xi - gd[f2]! > h2) as unknown as number) +
        ((xi - gd[f2 + 1]! > h2) as unknown as number) +
        ((xi - gd[f2 + 2]! > h2) as unknown as number) +
        ((xi - gd[f2 + 3]! > h2) as unknown as number);
      f2 += st;
    } while (st === 4);
    do {
      st =
        ((xi - gd[e2]! >= l2) as unknown as number) +
        ((xi - gd[e2 + 1]! >= l2) as unknown as number) +
        ((xi - gd[e2 + 2]! >= l2) as unknown as number) +
        ((xi - gd[e2 + 3]! >= l2) as unknown as number);
      e2 += st;
    } while (st === 4);
    sumE0 += e0;
    sumE1 += e1;
    sumE2 += e2;
    // Listing as in bandPass: four writes, the rare wider row finishes in the loop.
    if (s0 + e0 - f0 <= cap) {
      b0[s0] = xi - gd[f0]!;
      for (let j = f0 + 1; j < e0; j++) b0[s0 + j - f0] = xi - y[j]!;
    }
    s0 += e0 - f0;
    if (s1 + e1 - f1 <= cap) {
      b1[s1] = xi - gd[f1]!;
      for (let j = f1 + 1; j < e1; j++) b1[s1 + j - f1] = xi - y[j]!;
    }
    s1 += e1 - f1;
    if (s2 + e2 - f2 <= cap) {
      b2[s2] = xi - gd[f2]!;
      for (let j = f2 + 1; j < e2; j++) b2[s2 + j - f2] = xi - y[j]!;
    }
    s2 += e2 - f2;
  }
  const all = n * m;
  // s counts every difference in the bracket, listed or not (once past the capacity it stays past
  // it and listing stops), so #{D <= high} = #{D < low} + s without a sum of the other pointer.
  const band = (sumE: number, size: number, buffer: Float64Array): Band => ({
    below: all - sumE,
    atMost: all - sumE + size,
    listed: size <= cap ? buffer.subarray(0, size) : undefined,
  });
  return [band(sumE0, s0, b0), band(sumE1, s1, b1), band(sumE2, s2, b2)];
}

/** Exact #{D < v} over the whole matrix, as a strict high fence (guarded as for countAtMost). */
export function countStrictlyBelow(x: Float64Array, guarded: Float64Array, v: number): Fence {
  const n = x.length;
  const m = guarded.length - GUARD;
  const rows = new Int32Array(n);
  let column = 0;
  let excluded = 0;
  for (let i = 0; i < n; i++) {
    column = advanceAtLeast(x[i]!, guarded, column, v);
    rows[i] = column;
    excluded += column;
  }
  return { value: v, count: n * m - excluded, rows };
}

/** Exact #{D < v} inside the target's interval, as a strict high fence. */
export function countBelow(
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
export function listActive(
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
