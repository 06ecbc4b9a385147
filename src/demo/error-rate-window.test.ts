import { describe, expect, it } from "vitest";
import { emptyVersionStats, type VersionStats } from "../core/traffic/version-stats.js";
import { type StatsSnapshot, windowErrorRates } from "./error-rate-window.js";

const stats = (requests: number, errors: number): VersionStats => {
  const e = emptyVersionStats();
  return { ...e, requests, responses: { ...e.responses, "2xx": requests - errors, "5xx": errors } };
};
const snap = (at: number, versions: Record<string, VersionStats>): StatsSnapshot => ({ at, versions });

describe("error rates over a window", () => {
  it("compares the newest counters with the oldest inside the window", () => {
    const rates = windowErrorRates(
      [
        snap(0, { a: stats(100, 0) }),
        snap(4000, { a: stats(200, 10), b: stats(10, 3) }),
        snap(9000, { a: stats(300, 10), b: stats(30, 9) }),
      ],
      5000,
    );
    // 9000 - 5000 = 4000: the window starts at the second snapshot.
    expect(rates.a).toEqual({ requests: 100, errors: 0, rate: 0 });
    expect(rates.b).toEqual({ requests: 20, errors: 6, rate: 0.3 });
  });

  it("uses the snapshot just before when none other is inside, counts a new version whole, and restarts after a reset", () => {
    const rates = windowErrorRates(
      [snap(0, { a: stats(100, 50) }), snap(60_000, { a: stats(10, 1), b: stats(4, 1) })],
      5000,
    );
    expect(rates.a).toEqual({ requests: 10, errors: 1, rate: 0.1 });
    expect(rates.b).toEqual({ requests: 4, errors: 1, rate: 0.25 });
  });

  it("has no rate from one snapshot, and NaN for a version without requests", () => {
    expect(windowErrorRates([snap(0, { a: stats(5, 1) })], 5000)).toEqual({});
    expect(windowErrorRates([], 5000)).toEqual({});
    const idle = windowErrorRates([snap(0, { a: stats(5, 1) }), snap(1000, { a: stats(5, 1) })], 5000);
    expect(idle.a?.requests).toBe(0);
    expect(idle.a?.rate).toBeNaN();
  });
});
