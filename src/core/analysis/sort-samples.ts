/**
 * Ascending sort of finite samples. The judge sorts every metric's samples once and derives
 * everything else (ranks, ties, quartiles, pairwise-difference order statistics) from the sorted
 * arrays, so this sort is the floor of its cost.
 *
 * Large arrays use an LSD radix sort (Knuth, TAOCP vol. 3, 5.2.5) on the high 32 bits of the
 * IEEE-754 pattern made order-preserving (flip every bit of a negative, only the sign bit of a
 * positive; P. M. Herf, "Radix Tricks", 2001), three passes of 11 bits with all histograms counted
 * in one read, as Herf describes. Keys equal in their high 32 bits (values within a relative 1e-6
 * of each other) are then put in order by a final insertion pass, which only moves elements inside
 * such runs. Passes whose digit is the same in every key are skipped.
 *
 * The result is followed in its buffer by +Infinity guards (guarded-samples.ts), so the judge's
 * merge passes need no guarded copy of it; the radix passes' intermediate array is reused from
 * call to call, and only the result is a fresh allocation.
 */
import { guardedIn } from "./guarded-samples.js";

const RADIX_THRESHOLD = 512;

/**
 * A sorted copy of finite samples (NaN must have been handled before); `values` is not changed.
 * With `into` (a buffer of at least values.length + GUARD that does not overlap `values`), the
 * copy is written there instead of into a fresh array: for callers that drop the result before
 * they sort again.
 */
export function sortSamples(values: ArrayLike<number>, into?: Float64Array): Float64Array {
  if (values.length < RADIX_THRESHOLD) {
    const out = guardedIn(into, values.length);
    for (let i = 0; i < values.length; i++) out[i] = values[i]!;
    return out.sort();
  }
  return radixSorted(values instanceof Float64Array ? values : Float64Array.from(values), into);
}

/**
 * The radix passes' intermediate array, reused instead of allocating and zero-filling one per
 * sort: it only lives inside radixSorted, which never hands it out.
 */
let scratch = new Float64Array(0);

/** The order-preserving 32-bit key of an IEEE-754 high word. */
function keyOf(high: number): number {
  return (high >>> 31 === 1 ? ~high : high | 0x80000000) >>> 0;
}

/**
 * Radix passes from `source` into the result and the scratch array (the source is only read, so no
 * copy is made first);
 * keys are recomputed from each pass's input rather than carried in arrays of their own, which
 * moves 8 bytes per element and pass instead of 12.
 */
function radixSorted(source: Float64Array, into: Float64Array | undefined): Float64Array {
  const n = source.length;
  const counts = new Uint32Array(3 * 2048);
  const sourceWords = new Uint32Array(source.buffer, source.byteOffset, n * 2);
  for (let i = 0; i < n; i++) {
    const key = keyOf(sourceWords[2 * i + 1]!); // little-endian: the high half of source[i]
    counts[key & 0x7ff]!++;
    counts[2048 + ((key >>> 11) & 0x7ff)]!++;
    counts[4096 + (key >>> 22)]!++;
  }
  const firstKey = keyOf(sourceWords[1]!);
  const passes: number[] = [];
  for (let pass = 0; pass < 3; pass++) {
    // A digit that is the same in every key leaves the order as it is: no pass.
    if (counts[pass * 2048 + ((firstKey >>> (pass * 11)) & 0x7ff)] !== n) passes.push(pass);
  }
  // Passes alternate between the result and the scratch array, so that the last lands in the result.
  const values = guardedIn(into, n);
  if (scratch.length < n) scratch = new Float64Array(n);
  const spare = scratch.subarray(0, n);
  let from = source;
  for (const [p, pass] of passes.entries()) {
    const base = pass * 2048;
    const shift = pass * 11;
    let sum = 0;
    for (let d = base; d < base + 2048; d++) {
      const c = counts[d]!;
      counts[d] = sum;
      sum += c;
    }
    const to = (passes.length - p) % 2 === 1 ? values : spare;
    const words = new Uint32Array(from.buffer, from.byteOffset, n * 2);
    for (let i = 0; i < n; i++) {
      const at = counts[base + ((keyOf(words[2 * i + 1]!) >>> shift) & 0x7ff)]!++;
      to[at] = from[i]!;
    }
    from = to;
  }
  if (passes.length === 0) values.set(source);
  // A tight cluster of values equal in their high 32 bits would make this pass quadratic (100,000
  // values within a relative 1e-7: 10^10 moves); past 8n moves the platform sort finishes instead.
  let moves = 0;
  for (let i = 1; i < n; i++) {
    const v = values[i]!;
    if (values[i - 1]! <= v) continue;
    let j = i - 1;
    while (j >= 0 && values[j]! > v) {
      values[j + 1] = values[j]!;
      j--;
    }
    values[j + 1] = v;
    moves += i - 1 - j;
    if (moves > 8 * n) return values.sort();
  }
  return values;
}
