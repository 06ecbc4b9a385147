import { describe, expect, it } from "vitest";
import { emptyVersionStats, LATENCY_BOUNDS_SECONDS, type VersionStats } from "../traffic/version-stats.js";
import { seriesValue, statsBetween } from "./router-interval-value.js";

function stats(requests: number, errors: number, bucket: number, sumSeconds: number): VersionStats {
  const empty = emptyVersionStats();
  const counts = [...empty.latency.counts];
  counts[bucket] = requests;
  return {
    ...empty,
    requests,
    responses: { ...empty.responses, "2xx": requests - errors, "5xx": errors },
    latency: { bounds: LATENCY_BOUNDS_SECONDS, counts, sumSeconds, count: requests },
  };
}

describe("builtin router series over an interval", () => {
  it("takes the difference of the cumulative counters", () => {
    const between = statsBetween(stats(100, 1, 6, 3), stats(300, 11, 6, 9));
    expect(between?.requests).toBe(200);
    expect(seriesValue("error-rate", between!)).toBeCloseTo(0.05, 12);
    expect(seriesValue("latency-mean", between!)).toBeCloseTo(0.03, 12);
    // All 200 requests in (0.025, 0.05]: p95 interpolates to 0.025 + 0.95 * 0.025.
    expect(seriesValue("latency-p95", between!)).toBeCloseTo(0.04875, 12);
    expect(seriesValue("requests", between!)).toBe(200);
  });
  it("gives no sample for an idle interval or after a router restart", () => {
    expect(seriesValue("error-rate", statsBetween(stats(5, 0, 1, 1), stats(5, 0, 1, 1))!)).toBeNull();
    expect(statsBetween(stats(500, 0, 1, 1), stats(10, 0, 1, 1))).toBeUndefined();
  });
});
