import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { pairwiseDifferenceOrderStatistics } from "./pairwise-difference-selection.js";
import { sortSamples } from "./sort-samples.js";

function allDifferencesSorted(x: Float64Array, y: Float64Array): Float64Array {
  const out = new Float64Array(x.length * y.length);
  let k = 0;
  for (const a of x) for (const b of y) out[k++] = a - b;
  return out.sort();
}

const sample = (maxLength: number) =>
  fc.oneof(
    fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength }),
    // Few distinct values: long runs of equal differences.
    fc.array(fc.integer({ min: -3, max: 3 }), { minLength: 1, maxLength }),
  );

describe("pairwiseDifferenceOrderStatistics", () => {
  it("finds exactly the k-th smallest difference that sorting all n*m differences gives", () => {
    fc.assert(
      fc.property(
        sample(60),
        sample(60),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 4 }),
        (xs, ys, fractions) => {
          const x = sortSamples(xs);
          const y = sortSamples(ys);
          const all = allDifferencesSorted(x, y);
          const ranks = fractions.map((f) => 1 + Math.min(all.length - 1, Math.floor(f * all.length)));
          expect(pairwiseDifferenceOrderStatistics(x, y, ranks)).toEqual(ranks.map((k) => all[k - 1]));
        },
      ),
      { numRuns: 200 },
    );
  });

  it("narrows by sampling and counting when there are too many differences to list", () => {
    // 700 x 600 = 420,000 differences, well above the listing limit, with heavy ties on one side.
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), (seed) => {
        let state = seed;
        const next = () => {
          state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
          return state / 2_147_483_648;
        };
        const x = sortSamples(Array.from({ length: 700 }, () => Math.round(next() * 50)));
        const y = sortSamples(Array.from({ length: 600 }, () => next() * 50));
        const all = allDifferencesSorted(x, y);
        const ranks = [1, 1000, 209_999, 210_000, 210_001, 300_000, all.length];
        expect(pairwiseDifferenceOrderStatistics(x, y, ranks)).toEqual(ranks.map((k) => all[k - 1]));
      }),
      { numRuns: 5 },
    );
  });

  it("handles one huge run of equal differences without listing it", () => {
    const x = sortSamples(Array.from({ length: 400 }, (_, i) => (i < 390 ? 5 : i)));
    const y = sortSamples(Array.from({ length: 300 }, (_, i) => (i < 295 ? 2 : -i)));
    const all = allDifferencesSorted(x, y);
    const ranks = [1, 60_000, 115_050, all.length];
    expect(pairwiseDifferenceOrderStatistics(x, y, ranks)).toEqual(ranks.map((k) => all[k - 1]));
  });

  it("rejects ranks outside 1..n*m", () => {
    const x = sortSamples([1, 2]);
    expect(() => pairwiseDifferenceOrderStatistics(x, x, [5])).toThrow("rank 5 is outside 1..4");
    expect(() => pairwiseDifferenceOrderStatistics(x, x, [0])).toThrow(RangeError);
  });
});
