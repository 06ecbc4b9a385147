/**
 * Quickselect with a median-of-three pivot (Hoare, "Algorithm 65: FIND", CACM 4 (1961)), iterative,
 * reordering the array in place. Used on lists of candidate differences and on pivot samples.
 */

/** The element of 0-based rank k of `values` (values is reordered). */
export function selectInPlace(values: Float64Array, k: number): number {
  if (!(k >= 0 && k < values.length)) throw new RangeError(`rank ${k} is outside 0..${values.length - 1}`);
  let lo = 0;
  let hi = values.length - 1;
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    // Order values[lo], values[mid], values[hi] so the middle one is the pivot.
    if (values[mid]! < values[lo]!) swap(values, mid, lo);
    if (values[hi]! < values[lo]!) swap(values, hi, lo);
    if (values[hi]! < values[mid]!) swap(values, hi, mid);
    const pivot = values[mid]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i]! < pivot) i++;
      while (values[j]! > pivot) j--;
      if (i <= j) {
        swap(values, i, j);
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return values[k]!;
  }
  return values[k]!;
}

function swap(values: Float64Array, a: number, b: number): void {
  const t = values[a]!;
  values[a] = values[b]!;
  values[b] = t;
}
