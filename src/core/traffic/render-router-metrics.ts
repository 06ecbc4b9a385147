import { STATUS_CLASSES, type VersionStats } from "./version-stats.js";

/** What a router exposes about one service at /metrics. */
export interface RouterMetricsSnapshot {
  readonly service: string;
  readonly revision: number;
  readonly versions: Readonly<Record<string, VersionStats>>;
}

// Label values are service and version names, which validation keeps to plain characters; escape
// anyway as the exposition format requires (backslash, quote, newline).
const label = (value: string) => value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");

/**
 * Renders router metrics in the Prometheus text exposition format 0.0.4
 * (https://prometheus.io/docs/instrumenting/exposition_formats/), histogram buckets cumulative.
 */
export function renderRouterMetrics(snapshots: readonly RouterMetricsSnapshot[]): string {
  const lines: string[] = [];
  const family = (name: string, type: string, help: string) =>
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);

  family("upshift_router_requests_total", "counter", "Requests answered, by version and status class.");
  for (const s of snapshots)
    for (const [version, stats] of Object.entries(s.versions))
      for (const code of STATUS_CLASSES)
        lines.push(
          `upshift_router_requests_total{service="${label(s.service)}",version="${label(version)}",code="${code}"} ${stats.responses[code]}`,
        );

  family(
    "upshift_router_upstream_failures_total",
    "counter",
    "Upstream attempts that failed to connect or answer.",
  );
  family(
    "upshift_router_retries_total",
    "counter",
    "Requests retried on another upstream after a connection failure.",
  );
  for (const s of snapshots)
    for (const [version, stats] of Object.entries(s.versions)) {
      const labels = `service="${label(s.service)}",version="${label(version)}"`;
      lines.push(`upshift_router_upstream_failures_total{${labels}} ${stats.upstreamFailures}`);
      lines.push(`upshift_router_retries_total{${labels}} ${stats.retries}`);
    }

  family(
    "upshift_router_request_duration_seconds",
    "histogram",
    "Time from request to the end of the response.",
  );
  for (const s of snapshots)
    for (const [version, stats] of Object.entries(s.versions)) {
      const labels = `service="${label(s.service)}",version="${label(version)}"`;
      const { bounds, counts, sumSeconds, count } = stats.latency;
      let cumulative = 0;
      bounds.forEach((bound, i) => {
        cumulative += counts[i] ?? 0;
        lines.push(`upshift_router_request_duration_seconds_bucket{${labels},le="${bound}"} ${cumulative}`);
      });
      lines.push(`upshift_router_request_duration_seconds_bucket{${labels},le="+Inf"} ${count}`);
      lines.push(`upshift_router_request_duration_seconds_sum{${labels}} ${sumSeconds}`);
      lines.push(`upshift_router_request_duration_seconds_count{${labels}} ${count}`);
    }

  family("upshift_router_config_revision", "gauge", "Revision of the route configuration in force.");
  for (const s of snapshots)
    lines.push(`upshift_router_config_revision{service="${label(s.service)}"} ${s.revision}`);
  return `${lines.join("\n")}\n`;
}
