/**
 * One sample of a builtin router series over an interval: the difference between two snapshots of
 * a version's cumulative stats (the router counts since it started), as Prometheus' `increase`
 * does for counters. A router restart (counters fall) gives no sample rather than a negative one.
 */
import { latencyQuantile, type VersionStats } from "../traffic/version-stats.js";
import type { BuiltinSeries } from "./verification-schema.js";

/** The stats of the interval between an earlier and a later snapshot; undefined when the counters fell. */
export function statsBetween(earlier: VersionStats, later: VersionStats): VersionStats | undefined {
  if (later.requests < earlier.requests) return undefined;
  return {
    requests: later.requests - earlier.requests,
    responses: {
      "1xx": later.responses["1xx"] - earlier.responses["1xx"],
      "2xx": later.responses["2xx"] - earlier.responses["2xx"],
      "3xx": later.responses["3xx"] - earlier.responses["3xx"],
      "4xx": later.responses["4xx"] - earlier.responses["4xx"],
      "5xx": later.responses["5xx"] - earlier.responses["5xx"],
    },
    upstreamFailures: later.upstreamFailures - earlier.upstreamFailures,
    retries: later.retries - earlier.retries,
    latency: {
      bounds: later.latency.bounds,
      counts: later.latency.counts.map((c, i) => c - (earlier.latency.counts[i] ?? 0)),
      sumSeconds: later.latency.sumSeconds - earlier.latency.sumSeconds,
      count: later.latency.count - earlier.latency.count,
    },
  };
}

/** The series' value over the interval's stats; null when the interval saw no request. */
export function seriesValue(series: BuiltinSeries, stats: VersionStats): number | null {
  if (series === "requests") return stats.requests;
  if (stats.requests === 0) return null;
  switch (series) {
    case "error-rate":
      return stats.responses["5xx"] / stats.requests;
    case "latency-mean":
      return stats.latency.count === 0 ? null : stats.latency.sumSeconds / stats.latency.count;
    case "latency-p95":
      return nullIfNaN(latencyQuantile(stats.latency, 0.95));
    case "latency-p99":
      return nullIfNaN(latencyQuantile(stats.latency, 0.99));
    default:
      return assertNever(series);
  }
}

const nullIfNaN = (v: number) => (Number.isNaN(v) ? null : v);

function assertNever(value: never): never {
  throw new Error(`unknown builtin series ${String(value)}`);
}
