import { describe, expect, it } from "vitest";
import { GUARD, guardedArray, withGuards } from "./guarded-samples.js";
import { sortSamples } from "./sort-samples.js";

const tail = (guarded: Float64Array, n: number) => Array.from(guarded.subarray(n));

describe("guarded samples", () => {
  it("reads sortSamples' result in place, small or radix-sized, guards included", () => {
    for (const size of [0, 3, 511, 512, 5000]) {
      const sorted = sortSamples(Float64Array.from({ length: size }, (_, i) => (i * 7919) % 1009));
      const guarded = withGuards(sorted);
      expect(guarded.length).toBe(size + GUARD);
      expect(guarded.buffer).toBe(sorted.buffer);
      expect(Array.from(guarded.subarray(0, size))).toEqual(Array.from(sorted));
      expect(tail(guarded, size)).toEqual(Array(GUARD).fill(Number.POSITIVE_INFINITY));
    }
  });

  it("copies arrays without guards after them: plain arrays and views that end before the last value", () => {
    const plain = Float64Array.from([1, 2, 3]);
    const copy = withGuards(plain);
    expect(copy.buffer).not.toBe(plain.buffer);
    expect(Array.from(copy)).toEqual([1, 2, 3, ...Array(GUARD).fill(Number.POSITIVE_INFINITY)]);
    // A sample cut by outlier removal: what follows the view is data, not guards.
    const sorted = sortSamples([5, 1, 4, 2, 3]);
    const inner = sorted.subarray(1, 3);
    const guarded = withGuards(inner);
    expect(guarded.buffer).not.toBe(sorted.buffer);
    expect(Array.from(guarded)).toEqual([2, 3, ...Array(GUARD).fill(Number.POSITIVE_INFINITY)]);
    expect(Array.from(sorted)).toEqual([1, 2, 3, 4, 5]);
    // Cut only at the start: the guards still follow, so no copy is needed.
    expect(withGuards(sorted.subarray(2)).buffer).toBe(sorted.buffer);
  });

  it("makes zeroed arrays with guards after them", () => {
    const array = guardedArray(3);
    expect(Array.from(array)).toEqual([0, 0, 0]);
    expect(tail(withGuards(array), 3)).toEqual(Array(GUARD).fill(Number.POSITIVE_INFINITY));
    expect(withGuards(array).buffer).toBe(array.buffer);
  });
});
