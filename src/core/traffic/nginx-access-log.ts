import type { RouteConfig } from "./route-config.js";
import { emptyVersionStats, latencyBucket, statusClassOf, type VersionStats } from "./version-stats.js";

interface MutableStats {
  requests: number;
  responses: Record<string, number>;
  upstreamFailures: number;
  retries: number;
  counts: number[];
  sumSeconds: number;
}

/**
 * Per-version stats from the lines of the `upshift_router` access log
 * (`$msec $status $request_time $upstream_addr`). nginx knows servers, not versions, so the
 * version is the one whose upstreams hold the last server tried; every earlier server in the list
 * was a failed attempt, counted as an upstream failure and a retry.
 */
export function parseNginxAccessLog(
  text: string,
  config: RouteConfig,
): Readonly<Record<string, VersionStats>> {
  const versionOf = new Map<string, string>();
  for (const [version, addresses] of Object.entries(config.upstreams))
    for (const address of addresses) if (!versionOf.has(address)) versionOf.set(address, version);
  const template = emptyVersionStats();
  const bounds = template.latency.bounds;
  const acc = new Map<string, MutableStats>();
  for (const line of text.split("\n")) {
    const parts = line.split(" ");
    if (parts.length < 4) continue;
    const status = Number(parts[1]);
    const seconds = Number(parts[2]);
    const tried = parts
      .slice(3)
      .join(" ")
      .split(", ")
      .filter((a) => a !== "-" && a !== "");
    const last = tried[tried.length - 1];
    const version = last === undefined ? undefined : versionOf.get(last);
    if (version === undefined || !Number.isFinite(status) || !Number.isFinite(seconds)) continue;
    let stats = acc.get(version);
    if (stats === undefined) {
      stats = {
        requests: 0,
        responses: { ...template.responses },
        upstreamFailures: 0,
        retries: 0,
        counts: [...template.latency.counts],
        sumSeconds: 0,
      };
      acc.set(version, stats);
    }
    stats.requests++;
    const statusClass = statusClassOf(status);
    stats.responses[statusClass] = (stats.responses[statusClass] ?? 0) + 1;
    stats.upstreamFailures += tried.length - 1;
    stats.retries += tried.length - 1;
    const bucket = latencyBucket(bounds, seconds);
    stats.counts[bucket] = (stats.counts[bucket] ?? 0) + 1;
    stats.sumSeconds += seconds;
  }
  const result: Record<string, VersionStats> = {};
  for (const [version, s] of acc)
    result[version] = {
      requests: s.requests,
      responses: s.responses as VersionStats["responses"],
      upstreamFailures: s.upstreamFailures,
      retries: s.retries,
      latency: { bounds, counts: s.counts, sumSeconds: s.sumSeconds, count: s.requests },
    };
  return result;
}
