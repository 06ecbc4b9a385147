import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { assessMemoryLeak, leastSquaresSlope } from "./memory-leak.js";

const line = (slope: number, n: number, noise: (i: number) => number = () => 0) =>
  Array.from({ length: n }, (_, i) => ({ at: 1_000_000 + i * 1000, value: 50e6 + slope * i + noise(i) }));

describe("memory leak detector", () => {
  it("recovers the slope of a straight line exactly (bytes per second)", () => {
    expect(leastSquaresSlope(line(4096, 10))).toBeCloseTo(4096, 6);
    expect(leastSquaresSlope(line(-100, 3))).toBeCloseTo(-100, 6);
  });

  it("recovers any line's slope whatever its offset (property)", () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        fc.integer({ min: 2, max: 50 }),
        (slope, n) => {
          expect(leastSquaresSlope(line(slope, n))).toBeCloseTo(slope, 3);
        },
      ),
    );
  });

  it("reports a leak beyond the bound and a steady process within it", () => {
    const leak = assessMemoryLeak(line(200_000, 10), { maxBytesPerSecond: 100_000 });
    expect(leak).toMatchObject({ kind: "leak", points: 10, bound: 100_000 });
    const saw = (i: number) => (i % 2 === 0 ? 300_000 : -300_000);
    expect(assessMemoryLeak(line(0, 10, saw), { maxBytesPerSecond: 100_000 }).kind).toBe("steady");
  });

  it("says nothing below the minimum number of points, however steep", () => {
    expect(assessMemoryLeak(line(1e9, 4), { maxBytesPerSecond: 1, minPoints: 5 })).toEqual({
      kind: "too-few-points",
      points: 4,
      needed: 5,
    });
    expect(
      leastSquaresSlope([
        { at: 5, value: 1 },
        { at: 5, value: 9 },
      ]),
    ).toBeNaN();
  });
});
