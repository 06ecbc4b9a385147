/**
 * The implicit matrix of pairwise differences D[i][j] = x[i] - y[j] (x, y sorted ascending: rows
 * fall as j grows, columns rise as i grows) and the fences that cut it: counting the differences
 * at or below a value in O(n + m) with one monotone pointer (Johnson & Mizoguchi, SIAM J. Comput.
 * 7 (1978)), and listing those between two fences. Comparisons always use the computed difference
 * x[i] - y[j] itself, so counts agree exactly with sorting np.subtract.outer(x, y).
 */

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

/** How many +Infinity values follow y in the `guarded` copy the counting passes read. */
export const GUARD = 4;

/** y followed by GUARD times +Infinity, the column array the counting passes read. */
export function guardColumns(y: Float64Array): Float64Array {
  const guarded = new Float64Array(y.length + GUARD);
  guarded.set(y);
  guarded.fill(Number.POSITIVE_INFINITY, y.length);
  return guarded;
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
