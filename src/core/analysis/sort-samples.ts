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
 */
const RADIX_THRESHOLD = 512;

/** A sorted copy of finite samples (NaN must have been handled before). */
export function sortSamples(values: ArrayLike<number>): Float64Array {
  const out = Float64Array.from(values);
  if (out.length < RADIX_THRESHOLD) return out.sort();
  radixSortInPlace(out);
  return out;
}

function radixSortInPlace(values: Float64Array): void {
  const n = values.length;
  const words = new Uint32Array(values.buffer, values.byteOffset, n * 2);
  let keys = new Uint32Array(n);
  const counts = new Uint32Array(3 * 2048);
  for (let i = 0; i < n; i++) {
    const h = words[2 * i + 1]!; // little-endian: the high half of values[i]
    const key = h >>> 31 === 1 ? ~h >>> 0 : (h | 0x80000000) >>> 0;
    keys[i] = key;
    counts[key & 0x7ff]!++;
    counts[2048 + ((key >>> 11) & 0x7ff)]!++;
    counts[4096 + (key >>> 22)]!++;
  }
  let from: Float64Array = values;
  let to: Float64Array = new Float64Array(n);
  let keysOut = new Uint32Array(n);
  for (let pass = 0; pass < 3; pass++) {
    const base = pass * 2048;
    const shift = pass * 11;
    if (counts[base + ((keys[0]! >>> shift) & 0x7ff)] === n) continue; // one digit everywhere
    let sum = 0;
    for (let d = base; d < base + 2048; d++) {
      const c = counts[d]!;
      counts[d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const key = keys[i]!;
      const at = counts[base + ((key >>> shift) & 0x7ff)]!++;
      keysOut[at] = key;
      to[at] = from[i]!;
    }
    [from, to] = [to, from];
    [keys, keysOut] = [keysOut, keys];
  }
  if (from !== values) values.set(from);
  for (let i = 1; i < n; i++) {
    const v = values[i]!;
    if (values[i - 1]! <= v) continue;
    let j = i - 1;
    while (j >= 0 && values[j]! > v) {
      values[j + 1] = values[j]!;
      j--;
    }
    values[j + 1] = v;
  }
}
