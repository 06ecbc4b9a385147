import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { GUARD } from "./guarded-samples.js";
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

  it("orders samples whose keys span 2^21 to 2^26, with ties and both signs", () => {
    // Lognormal-like values over a factor of 2^spread; the span of the 32-bit keys is about
    // 2^20 per factor of 2: values equal in their high 32 bits and varied top digits.
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 32 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 1_000_000 }),
        (spread, negative, seed) => {
          let state = seed;
          const next = () => {
            state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
            return state / 2_147_483_648;
          };
          const values = Float64Array.from({ length: 4000 }, (_, i) => {
            const v = 3 * 2 ** (next() * spread);
            // Some exact ties and, when negative, values on both sides of 0.
            const tied = i % 7 === 0 ? Math.round(v) : v;
            return negative && i % 3 === 0 ? -tied : tied;
          });
          expect(Array.from(sortSamples(values))).toEqual(Array.from(Float64Array.from(values).sort()));
        },
      ),
      { numRuns: 80 },
    );
  });

  it("stays fast on a tight cluster that the 32-bit keys cannot tell apart", () => {
    // 100,000 values within a relative 1e-9 of each other (plus a few far away): the insertion pass
    // alone would need about 2.5e9 moves.
    let state = 7;
    const next = () => {
      state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
      return state / 2_147_483_648;
    };
    const values = Float64Array.from({ length: 100_000 }, (_, i) =>
      i % 1000 === 0 ? next() * 1e12 : 1 + next() * 1e-9,
    );
    const started = performance.now();
    const sorted = sortSamples(values);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(Array.from(sorted)).toEqual(Array.from(Float64Array.from(values).sort()));
  });

  it("does not touch its input", () => {
    const input = [3, 1, 2];
    sortSamples(input);
    expect(input).toEqual([3, 1, 2]);
    // Radix-sized typed arrays are read in place (also through a view that starts mid-buffer).
    const big = Float64Array.from({ length: 5000 }, (_, i) => (i * 7919) % 5003);
    const view = big.subarray(3, 4003);
    const before = Array.from(big);
    const sorted = sortSamples(view);
    expect(Array.from(big)).toEqual(before);
    expect(Array.from(sorted)).toEqual(Array.from(view).sort((a, b) => a - b));
    const constant = new Float64Array(1000).fill(2.5);
    expect(sortSamples(constant)).not.toBe(constant);
    expect(Array.from(sortSamples(constant))).toEqual(Array.from(constant));
  });

  it("sorts into a given buffer, whatever it held, with the guards right after the samples", () => {
    const buffer = new Float64Array(6000).fill(-7);
    for (const size of [5000, 3, 700, 0]) {
      const values = Float64Array.from({ length: size }, (_, i) => ((i * 7919) % 5003) - 2500);
      const sorted = sortSamples(values, buffer);
      expect(sorted.buffer).toBe(buffer.buffer);
      expect(Array.from(sorted)).toEqual(Array.from(values).sort((a, b) => a - b));
      expect(Array.from(buffer.subarray(size, size + GUARD))).toEqual(Array(GUARD).fill(Infinity));
    }
    // A buffer too small for the samples and their guards is not used.
    const small = new Float64Array(10);
    expect(sortSamples([3, 2, 1, 0, 5, 4, 7, 6], small).buffer).not.toBe(small.buffer);
  });
});
