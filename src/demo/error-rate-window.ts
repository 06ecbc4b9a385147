import type { VersionStats } from "../core/traffic/version-stats.js";

/** A router's per-version counters at one moment. */
export interface StatsSnapshot {
  readonly at: number;
  readonly versions: Readonly<Record<string, VersionStats>>;
}

/** Requests and server errors of one version inside a window. */
export interface WindowRate {
  readonly requests: number;
  readonly errors: number;
  /** errors / requests; NaN when there were no requests. */
  readonly rate: number;
}

/**
 * Per-version 5xx rates between the oldest snapshot inside `windowMs` of the newest one (or the one
 * just before, when no other is inside) and the newest. A counter that went down means the router
 * restarted: the newest counts are taken whole. One snapshot alone gives no rates.
 */
export function windowErrorRates(
  snapshots: readonly StatsSnapshot[],
  windowMs: number,
): Record<string, WindowRate> {
  const latest = snapshots.at(-1);
  if (latest === undefined) return {};
  const last = snapshots.length - 1;
  let first = snapshots.findIndex((s) => s.at >= latest.at - windowMs);
  if (first === last) first = last - 1;
  const base = snapshots[first];
  if (base === undefined) return {};
  const rates: Record<string, WindowRate> = {};
  for (const [version, now] of Object.entries(latest.versions)) {
    const before = base.versions[version];
    const restarted = before !== undefined && now.requests < before.requests;
    const requests = now.requests - (before && !restarted ? before.requests : 0);
    const errors = now.responses["5xx"] - (before && !restarted ? before.responses["5xx"] : 0);
    rates[version] = { requests, errors, rate: requests === 0 ? Number.NaN : errors / requests };
  }
  return rates;
}
