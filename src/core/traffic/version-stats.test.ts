import { describe, expect, it } from "vitest";
import { renderRouterMetrics } from "./render-router-metrics.js";
import {
  emptyVersionStats,
  latencyBucket,
  latencyQuantile,
  serverErrorRate,
  type VersionStats,
} from "./version-stats.js";

const bounds = [0.001, 0.01, 0.1];

describe("latency histogram", () => {
  it("puts a latency in the first bucket whose bound holds it (bounds are inclusive, as Prometheus' le)", () => {
    expect(latencyBucket(bounds, 0.0005)).toBe(0);
    expect(latencyBucket(bounds, 0.001)).toBe(0);
    expect(latencyBucket(bounds, 0.002)).toBe(1);
    expect(latencyBucket(bounds, 5)).toBe(3);
  });

  it("interpolates quantiles inside the bucket", () => {
    const histogram = { bounds, counts: [0, 10, 0, 0], sumSeconds: 0.05, count: 10 };
    expect(latencyQuantile(histogram, 0.5)).toBeCloseTo(0.0055, 6);
    expect(latencyQuantile(histogram, 1)).toBeCloseTo(0.01, 6);
    expect(latencyQuantile({ ...histogram, counts: [0, 0, 0, 4] }, 0.9)).toBe(0.1);
    expect(latencyQuantile({ ...histogram, counts: [0, 0, 0, 0], count: 0 }, 0.5)).toBeNaN();
  });
});

describe("renderRouterMetrics", () => {
  it("writes counters per status class and cumulative buckets ending with +Inf", () => {
    const stats: VersionStats = {
      ...emptyVersionStats(bounds),
      requests: 5,
      responses: { "1xx": 0, "2xx": 3, "3xx": 0, "4xx": 0, "5xx": 2 },
      latency: { bounds, counts: [1, 2, 1, 1], sumSeconds: 0.5, count: 5 },
    };
    expect(serverErrorRate(stats)).toBe(0.4);
    const text = renderRouterMetrics([{ service: "web", revision: 4, versions: { v2: stats } }]);
    expect(text).toContain('upshift_router_requests_total{service="web",version="v2",code="5xx"} 2');
    expect(text).toContain(
      'upshift_router_request_duration_seconds_bucket{service="web",version="v2",le="0.01"} 3',
    );
    expect(text).toContain(
      'upshift_router_request_duration_seconds_bucket{service="web",version="v2",le="+Inf"} 5',
    );
    expect(text).toContain('upshift_router_config_revision{service="web"} 4');
    expect(text.match(/^# TYPE /gm)).toHaveLength(5);
  });
});
