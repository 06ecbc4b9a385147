/**
 * Sorted samples followed in memory by GUARD times +Infinity. The merge passes of the judge (the
 * Mann-Whitney ranks, the pairwise-difference counts) advance pointers four columns at a time and
 * rely on such guards instead of bounds checks. sortSamples writes its result into a buffer with
 * room for them, so those passes read the sorted baseline where it is instead of copying it
 * (twice per metric, 800 kB each for 100,000 samples); any other array is copied as before.
 */

/** How many +Infinity values follow the samples. */
export const GUARD = 4;

/** A zeroed array of `length` values whose buffer holds GUARD times +Infinity after them. */
export function guardedArray(length: number): Float64Array {
  const buffer = new Float64Array(length + GUARD);
  buffer.fill(Number.POSITIVE_INFINITY, length);
  return buffer.subarray(0, length);
}

/**
 * `values` followed by GUARD times +Infinity: a view of the same memory when the values after it
 * in its buffer are those guards (what guardedArray made, or a prefix view of it ending where the
 * guards start), else a guarded copy.
 */
export function withGuards(values: Float64Array): Float64Array {
  const n = values.length;
  if (values.buffer.byteLength >= values.byteOffset + (n + GUARD) * Float64Array.BYTES_PER_ELEMENT) {
    const view = new Float64Array(values.buffer, values.byteOffset, n + GUARD);
    let guards = 0;
    for (let g = n; g < n + GUARD; g++) if (view[g] === Number.POSITIVE_INFINITY) guards++;
    if (guards === GUARD) return view;
  }
  const copy = new Float64Array(n + GUARD);
  copy.set(values);
  copy.fill(Number.POSITIVE_INFINITY, n);
  return copy;
}

/**
 * An array of `length` values (contents unspecified) with GUARD times +Infinity after them, taken
 * from `buffer` when it is large enough (`buffer` is then written beyond `length` too), else made.
 */
export function guardedIn(buffer: Float64Array | undefined, length: number): Float64Array {
  if (buffer === undefined || buffer.length < length + GUARD) return guardedArray(length);
  buffer.fill(Number.POSITIVE_INFINITY, length, length + GUARD);
  return buffer.subarray(0, length);
}
