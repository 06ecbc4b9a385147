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

  // Samples of 256 values or more start from the estimate on every 16th value (difference-bracket.ts).
  const seeded = (seed: number) => {
    let state = seed;
    return () => {
      state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
      return state / 2_147_483_648;
    };
  };
  const largeSample = (next: () => number, kind: number, length: number, shift: number) =>
    sortSamples(
      Array.from({ length }, () => {
        const u = next();
        if (kind === 0)
          return Math.exp(3 + shift + 0.5 * Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(7 * next()));
        if (kind === 1) return Math.round(20 * u + shift * 10); // long runs of equal differences
        if (kind === 2) return u < 0.9 ? 5 : u * 1e6; // one dominant value and a spread tail
        return Math.tan(Math.PI * (u - 0.5)) + shift; // Cauchy: far outliers
      }),
    );

  it("agrees with sorting all differences when it starts from the thinned estimate", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 256, max: 700 }),
        fc.integer({ min: 256, max: 700 }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 4 }),
        (seed, kind, n, m, fractions) => {
          const next = seeded(seed);
          const x = largeSample(next, kind, n, 0.05);
          const y = largeSample(next, kind, m, 0);
          const all = allDifferencesSorted(x, y);
          const ranks = fractions.map((f) => 1 + Math.min(all.length - 1, Math.floor(f * all.length)));
          const middle = [Math.floor(all.length / 2), Math.floor(all.length / 2) + 1];
          const wanted = [...ranks, ...middle];
          expect(pairwiseDifferenceOrderStatistics(x, y, wanted)).toEqual(wanted.map((k) => all[k - 1]));
        },
      ),
      { numRuns: 25 },
    );
  });

  it("never depends on the estimate: a wrong one only costs the general narrowing", () => {
    const next = seeded(42);
    for (const kind of [0, 1, 2, 3]) {
      const x = largeSample(next, kind, 600, 0.05);
      const y = largeSample(next, kind, 500, 0);
      const all = allDifferencesSorted(x, y);
      const ranks = [1, 1234, 149_999, 150_000, 150_001, 299_000, all.length];
      const wrongEstimates: ((x: Float64Array, y: Float64Array, r: readonly number[]) => number[])[] = [
        (_x, _y, r) => r.map((k) => k * 1e9), // far above every difference
        (_x, _y, r) => r.map(() => -1e12), // far below
        (_x, _y, r) => r.map((_, i) => (i % 2 === 0 ? 1 : -1)), // low above high
        (_x, _y, r) => r.map(() => Number.NaN),
        (xs, ys, r) => pairwiseDifferenceOrderStatistics(xs, ys, r).map((v) => v + 0.75), // shifted
      ];
      for (const estimate of wrongEstimates) {
        expect(pairwiseDifferenceOrderStatistics(x, y, ranks, estimate)).toEqual(
          ranks.map((k) => all[k - 1]),
        );
      }
    }
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
