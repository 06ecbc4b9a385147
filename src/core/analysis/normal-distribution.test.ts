import { describe, expect, it } from "vitest";
import { erfc, normalSurvival, normalUpperQuantile } from "./normal-distribution.js";

// Expected values from scipy 1.17: scipy.special.erfc, scipy.stats.norm.sf / norm.isf.
describe("normal distribution", () => {
  it("computes erfc to full relative precision, deep into the tail", () => {
    const cases: [number, number][] = [
      [-3, 1.9999779095030015],
      [0.2, 0.7772974107895215],
      [1, 0.15729920705028516],
      [4, 1.541725790028002e-8],
      [10, 2.0884875837625446e-45],
      [26, 5.663192408856145e-296],
    ];
    for (const [x, expected] of cases) expect(Math.abs(erfc(x) - expected) / expected).toBeLessThan(1e-14);
    expect(erfc(27)).toBe(0);
    expect(normalSurvival(Number.NEGATIVE_INFINITY)).toBe(1);
  });

  it("inverts the upper tail as norm.isf does", () => {
    expect(normalUpperQuantile(0.01)).toBeCloseTo(2.3263478740408408, 14);
    expect(normalUpperQuantile(0.025)).toBeCloseTo(1.9599639845400545, 14);
    expect(normalUpperQuantile(0.975)).toBeCloseTo(-1.9599639845400545, 14);
    expect(() => normalUpperQuantile(0)).toThrow(RangeError);
  });
});
