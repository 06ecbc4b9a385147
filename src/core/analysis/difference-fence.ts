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

/**
 * Exact #{D <= v} for one pivot, given y followed by one +Infinity (`guarded`): the pointer to the first column with D <= v only moves forward
 * from row to row, so the pass is O(n + m). (One tight loop per pivot runs several times faster in
 * V8 than one loop carrying every pivot's pointer, and the +Infinity guard after the last column
 * saves a bounds check per step.)
 */
export function countAtMost(x: Float64Array, guarded: Float64Array, v: number): Fence {
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
