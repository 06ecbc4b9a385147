import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { selectInRange, selectRanksInRange } from "./difference-bracket.js";

describe("selectInRange", () => {
  it("finds the k-th smallest like sorting, with ties and values on both ends of the range", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 4096, max: 20_000 }),
        fc.integer({ min: 0, max: 3 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 1_000_000 }),
        (size, kind, fraction, seed) => {
          let state = seed;
          const next = () => {
            state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
            return state / 2_147_483_648;
          };
          const [low, high] = [-3.5, 12.25];
          const values = Float64Array.from({ length: size }, () => {
            const u = next();
            if (kind === 0) return low + u * (high - low);
            if (kind === 1) return u < 0.3 ? low : u < 0.6 ? high : low + Math.round(u * 7); // long ties
            if (kind === 2) return u < 0.999 ? 4 : high; // one value almost everywhere
            return low + (high - low) * u ** 8; // crowded near low
          });
          const sorted = Float64Array.from(values).sort();
          const k = Math.min(size - 1, Math.floor(fraction * size));
          expect(selectInRange(values, low, high, k)).toBe(sorted[k]);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("falls back to quickselect for short lists and for a range too narrow to scale", () => {
    const tiny = Float64Array.from({ length: 5000 }, (_, i) => (i % 2 === 0 ? 1e-310 : 2e-310));
    expect(selectInRange(tiny, 1e-310, 2e-310, 2499)).toBe(1e-310);
    expect(selectInRange(tiny, 1e-310, 2e-310, 2500)).toBe(2e-310);
    expect(selectInRange(Float64Array.from([3, 1, 2]), 1, 3, 1)).toBe(2);
  });

  it("selects several ranks of one list in one counting pass, near or far apart, as sorting does", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 20_000 }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.boolean(),
        (extra, fractions, seed, tied) => {
          const size = 4096 + extra;
          let state = seed;
          const next = () => {
            state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
            return state / 2_147_483_648;
          };
          const values = Float64Array.from({ length: size }, () =>
            tied ? Math.round(next() * 9) : -2 + 7 * next(),
          );
          const sorted = Float64Array.from(values).sort();
          const ks = fractions.map((f) => Math.min(size - 1, Math.floor(f * size)));
          // Adjacent ranks, as the median's two middle ranks are.
          ks.push(Math.min(size - 1, ks[0]! + 1));
          const [low, high] = tied ? [0, 9] : [-2, 5];
          expect(selectRanksInRange(values, low, high, ks)).toEqual(ks.map((k) => sorted[k]));
        },
      ),
      { numRuns: 60 },
    );
  });
});
