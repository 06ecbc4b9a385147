import {
  emptyVersionStats,
  LATENCY_BOUNDS_SECONDS,
  latencyBucket,
  type StatusClass,
  type VersionStats,
} from "../../../core/traffic/version-stats.js";

/** Counters of one version, mutated on the hot path and copied out as VersionStats on demand. */
class VersionCounters {
  requests = 0;
  readonly responses: Record<StatusClass, number> = { "1xx": 0, "2xx": 0, "3xx": 0, "4xx": 0, "5xx": 0 };
  upstreamFailures = 0;
  retries = 0;
  readonly counts = new Array<number>(LATENCY_BOUNDS_SECONDS.length + 1).fill(0);
  sumSeconds = 0;
}

/** Per-version request metrics of one router process, since it started. */
export class VersionMetrics {
  private readonly versions = new Map<string, VersionCounters>();

  private counters(version: string): VersionCounters {
    let counters = this.versions.get(version);
    if (counters === undefined) {
      counters = new VersionCounters();
      this.versions.set(version, counters);
    }
    return counters;
  }

  /** A request answered (by the upstream or, after failures, by the router itself). */
  answered(version: string, statusClass: StatusClass, seconds: number): void {
    const c = this.counters(version);
    c.requests++;
    c.responses[statusClass]++;
    const bucket = latencyBucket(LATENCY_BOUNDS_SECONDS, seconds);
    c.counts[bucket] = (c.counts[bucket] ?? 0) + 1;
    c.sumSeconds += seconds;
  }

  upstreamFailed(version: string): void {
    this.counters(version).upstreamFailures++;
  }

  retried(version: string): void {
    this.counters(version).retries++;
  }

  /** Copies of the stats of every version seen, and of the named versions even if unseen. */
  snapshot(versions: Iterable<string>): Record<string, VersionStats> {
    const result: Record<string, VersionStats> = {};
    for (const version of versions) result[version] = emptyVersionStats();
    for (const [version, c] of this.versions)
      result[version] = {
        requests: c.requests,
        responses: { ...c.responses },
        upstreamFailures: c.upstreamFailures,
        retries: c.retries,
        latency: {
          bounds: LATENCY_BOUNDS_SECONDS,
          counts: [...c.counts],
          sumSeconds: c.sumSeconds,
          count: c.requests,
        },
      };
    return result;
  }
}
