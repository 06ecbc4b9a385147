import { describe, expect, it } from "vitest";
import { percentile, prepareSamples, tukeyFences } from "./sample-preparation.js";

const oneToTen = Float64Array.from({ length: 10 }, (_, i) => i + 1);

describe("sample preparation", () => {
  it("estimates percentiles as Commons Math does (position p(n+1)/100, clamped)", () => {
    expect(percentile(oneToTen, 25)).toBeCloseTo(2.75, 12);
    expect(percentile(oneToTen, 75)).toBeCloseTo(8.25, 12);
    expect(percentile(oneToTen, 1)).toBe(1);
    expect(percentile(oneToTen, 99)).toBe(10);
  });

  it("draws Tukey's fences, widened to the 1st/99th percentiles when sensitivity is reduced", () => {
    expect(tukeyFences(oneToTen, { factor: 1.5, reduceSensitivity: false })).toEqual([
      2.75 - 8.25,
      8.25 + 8.25,
    ]);
    const tight = Float64Array.from([0, ...Array<number>(98).fill(10), 20]);
    expect(tukeyFences(tight, { factor: 3, reduceSensitivity: false })).toEqual([10, 10]);
    const [low, high] = tukeyFences(tight, { factor: 3, reduceSensitivity: true });
    // The 1st and 99th percentiles sit at positions 1.01 and 99.99: 0.1 and 19.9.
    expect(low).toBeCloseTo(0.1, 12);
    expect(high).toBeCloseTo(19.9, 12);
  });

  it("removes or zero-fills missing values, and drops outliers only when asked", () => {
    const raw = [5, null, 6, Number.NaN, Number.POSITIVE_INFINITY, 7, 500];
    expect(Array.from(prepareSamples(raw, "remove", undefined).sorted)).toEqual([5, 6, 7, 500]);
    expect(Array.from(prepareSamples(raw, "replace", undefined).sorted)).toEqual([0, 0, 0, 5, 6, 7, 500]);
    const cleaned = prepareSamples([5, 6, 7, 6, 5, 7, 6, 500], "remove", {
      factor: 1.5,
      reduceSensitivity: false,
    });
    expect(Array.from(cleaned.sorted)).toEqual([5, 5, 6, 6, 6, 7, 7]);
    expect(cleaned).toMatchObject({ received: 8, missing: 0, outliers: 1 });
  });

  it("takes typed arrays as they are when every value is finite, and never changes them", () => {
    const big = Float64Array.from({ length: 2000 }, (_, i) => (i * 7919) % 2003);
    const before = Array.from(big);
    const prepared = prepareSamples(big, "remove", undefined);
    expect(Array.from(big)).toEqual(before);
    expect(prepared.sorted).not.toBe(big);
    expect(Array.from(prepared.sorted)).toEqual([...before].sort((a, b) => a - b));
    expect(prepared).toMatchObject({ received: 2000, missing: 0 });
    const holes = Float64Array.from([3, Number.NaN, 1, Number.NEGATIVE_INFINITY, 2]);
    expect(prepareSamples(holes, "remove", undefined)).toMatchObject({ received: 5, missing: 2 });
    expect(Array.from(prepareSamples(holes, "replace", undefined).sorted)).toEqual([0, 0, 1, 2, 3]);
  });

  it("finds a single missing value at any place of a typed array, beside extreme finite values", () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      for (let at = 0; at < 7; at++) {
        const values = Float64Array.from([-Number.MAX_VALUE, 5e-324, -0, 1, Number.MAX_VALUE, 2, 3]);
        values[at] = bad;
        expect(prepareSamples(values, "remove", undefined)).toMatchObject({ received: 7, missing: 1 });
      }
    }
    const extremes = Float64Array.from([-Number.MAX_VALUE, 5e-324, -0, 1, Number.MAX_VALUE, 2, 3]);
    expect(prepareSamples(extremes, "remove", undefined)).toMatchObject({ received: 7, missing: 0 });
  });

  it("finds NaN of either sign and any payload, and infinities, in arrays the radix sort takes", () => {
    // Checked against filtering by Number.isFinite, on seeded random arrays past the radix threshold.
    let state = 7;
    const next = () => {
      state = (Math.imul(state, 1_103_515_245) + 12_345) | 0;
      return (state >>> 0) / 4_294_967_296;
    };
    const view = new DataView(new ArrayBuffer(8));
    const nan = (negative: boolean) => {
      view.setUint32(0, (negative ? 0xfff00000 : 0x7ff00000) | (1 + Math.floor(next() * 0xfffff)));
      view.setUint32(4, Math.floor(next() * 0xffffffff));
      return view.getFloat64(0);
    };
    const specials = [
      () => nan(false),
      () => nan(true),
      () => Number.POSITIVE_INFINITY,
      () => Number.NEGATIVE_INFINITY,
    ];
    for (let round = 0; round < 200; round++) {
      const n = 512 + Math.floor(next() * 3000);
      const values = Float64Array.from({ length: n }, () => (next() - 0.5) * 10 ** Math.floor(next() * 12));
      const bad = round % 5 === 0 ? 0 : 1 + Math.floor(next() * 4);
      for (let k = 0; k < bad; k++)
        values[Math.floor(next() * n)] = (specials[Math.floor(next() * 4)] as () => number)();
      const finite = Array.from(values).filter(Number.isFinite);
      for (const strategy of ["remove", "replace"] as const) {
        const prepared = prepareSamples(values, strategy, undefined);
        const expected =
          strategy === "remove" ? finite : [...finite, ...Array<number>(n - finite.length).fill(0)];
        expect(prepared.missing, `round ${round}`).toBe(n - finite.length);
        expect(Array.from(prepared.sorted), `round ${round}`).toEqual(expected.sort((a, b) => a - b));
      }
    }
  });
});
