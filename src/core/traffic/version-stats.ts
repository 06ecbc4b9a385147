/** HTTP status classes (RFC 9110 §15). */
export type StatusClass = "1xx" | "2xx" | "3xx" | "4xx" | "5xx";

export const STATUS_CLASSES: readonly StatusClass[] = ["1xx", "2xx", "3xx", "4xx", "5xx"];

/**
 * Upper bounds in seconds of the latency buckets: Prometheus' default buckets with finer steps
 * below 5 ms, where a healthy local service answers. The last, implicit bucket is +Inf.
 */
export const LATENCY_BOUNDS_SECONDS: readonly number[] = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

/** A latency histogram; `counts` are per bucket (not cumulative), one more than `bounds` (+Inf). */
export interface LatencyHistogram {
  readonly bounds: readonly number[];
  readonly counts: readonly number[];
  readonly sumSeconds: number;
  readonly count: number;
}

/** What a router saw of one version since it started. */
export interface VersionStats {
  readonly requests: number;
  readonly responses: Readonly<Record<StatusClass, number>>;
  /** Attempts that failed to connect or broke before a response, retried or not. */
  readonly upstreamFailures: number;
  readonly retries: number;
  readonly latency: LatencyHistogram;
}

/** The class of an HTTP status code. */
export function statusClassOf(status: number): StatusClass {
  if (status < 200) return "1xx";
  if (status < 300) return "2xx";
  if (status < 400) return "3xx";
  if (status < 500) return "4xx";
  return "5xx";
}

/** The index of the bucket a latency falls into (`bounds.length` for +Inf). */
export function latencyBucket(bounds: readonly number[], seconds: number): number {
  let i = 0;
  while (i < bounds.length && seconds > (bounds[i] as number)) i++;
  return i;
}

/** The share of answered requests that were server errors (0 when there were none). */
export function serverErrorRate(stats: VersionStats): number {
  return stats.requests === 0 ? 0 : stats.responses["5xx"] / stats.requests;
}

/**
 * Estimates a latency quantile from the histogram by linear interpolation inside the bucket, as
 * Prometheus' histogram_quantile does (promql/quantile.go); NaN when the histogram is empty.
 */
export function latencyQuantile(histogram: LatencyHistogram, q: number): number {
  if (histogram.count === 0) return Number.NaN;
  const rank = q * histogram.count;
  let below = 0;
  for (let i = 0; i < histogram.counts.length; i++) {
    const inBucket = histogram.counts[i] ?? 0;
    if (below + inBucket >= rank && inBucket > 0) {
      const upper = histogram.bounds[i];
      // Like Prometheus, the +Inf bucket answers with the highest finite bound.
      if (upper === undefined) return histogram.bounds[histogram.bounds.length - 1] ?? Number.NaN;
      const lower = i === 0 ? 0 : (histogram.bounds[i - 1] ?? 0);
      return lower + (upper - lower) * ((rank - below) / inBucket);
    }
    below += inBucket;
  }
  return histogram.bounds[histogram.bounds.length - 1] ?? Number.NaN;
}

/** Stats of a version that has seen nothing. */
export function emptyVersionStats(bounds: readonly number[] = LATENCY_BOUNDS_SECONDS): VersionStats {
  return {
    requests: 0,
    responses: { "1xx": 0, "2xx": 0, "3xx": 0, "4xx": 0, "5xx": 0 },
    upstreamFailures: 0,
    retries: 0,
    latency: { bounds, counts: new Array<number>(bounds.length + 1).fill(0), sumSeconds: 0, count: 0 },
  };
}
