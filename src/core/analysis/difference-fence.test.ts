import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bandPass, bandPasses, guardColumns } from "./difference-fence.js";

/** Counts and lists by brute force over every difference, row by row as the passes list them. */
function bruteBand(x: Float64Array, y: Float64Array, low: number, high: number) {
  let below = 0;
  let atMost = 0;
  const listed: number[] = [];
  for (const xi of x) {
    for (const yj of y) {
      const d = xi - yj;
      if (d < low) below++;
      if (d <= high) atMost++;
      if (d >= low && d <= high) listed.push(d);
    }
  }
  return { below, atMost, listed };
}

describe("bandPasses", () => {
  it("counts and lists one to five brackets exactly as brute force and as one bandPass each", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -20, max: 20 }), { minLength: 1, maxLength: 60 }),
        fc.array(fc.integer({ min: -20, max: 20 }), { minLength: 1, maxLength: 60 }),
        fc.array(fc.tuple(fc.integer({ min: -45, max: 45 }), fc.integer({ min: 0, max: 12 })), {
          minLength: 1,
          maxLength: 5,
        }),
        fc.integer({ min: 1, max: 200 }),
        (xs, ys, brackets, capacity) => {
          // Quarter steps give ties inside and across the samples and differences equal to the ends.
          const x = Float64Array.from(xs, (v) => v / 4).sort();
          const y = Float64Array.from(ys, (v) => v / 4).sort();
          const guarded = guardColumns(y);
          const lows = brackets.map(([low]) => low / 4);
          const highs = brackets.map(([low, width]) => (low + width) / 4);
          const buffers = brackets.map(() => new Float64Array(capacity + 4));
          const bands = bandPasses(x, y, guarded, lows, highs, buffers);
          expect(bands).toHaveLength(brackets.length);
          for (const [b, band] of bands.entries()) {
            const expected = bruteBand(x, y, lows[b]!, highs[b]!);
            expect(band.below).toBe(expected.below);
            expect(band.atMost).toBe(expected.atMost);
            if (expected.listed.length <= capacity) expect([...band.listed!]).toEqual(expected.listed);
            else expect(band.listed).toBeUndefined();
            const single = bandPass(x, y, guarded, lows[b]!, highs[b]!, new Float64Array(capacity + 4));
            expect([single.below, single.atMost]).toEqual([band.below, band.atMost]);
            expect(single.listed === undefined).toBe(band.listed === undefined);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
