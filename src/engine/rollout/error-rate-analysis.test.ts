import { describe, expect, it } from "vitest";
import type { AnalysisAction } from "../../core/rollout/rollout-analysis-port.js";
import type { StepContext } from "../../core/run/step-handler.js";
import { emptyRouteConfig } from "../../core/traffic/route-config.js";
import type { TrafficRouter } from "../../core/traffic/traffic-router.js";
import { emptyVersionStats } from "../../core/traffic/version-stats.js";
import { errorRateAnalysis } from "./error-rate-analysis.js";

// The router is a stand-in holding counters (the builtin router's real counters are exercised by
// test/rollouts/engine-strategies.test.ts); here the arithmetic and the verdict rules are checked.
function world() {
  const counts = { requests: 0, errors: 0 };
  let now = Date.parse("2026-11-27T10:00:00Z");
  const router = {
    kind: "builtin",
    async observe(service: string) {
      const stats = emptyVersionStats();
      return {
        service,
        config: emptyRouteConfig(service, "127.0.0.1:1", null),
        stats: {
          "2.0.0": {
            ...stats,
            requests: counts.requests,
            responses: { ...stats.responses, "5xx": counts.errors },
          },
        },
        router: { kind: "builtin", pid: 1, adminUrl: "", startedAt: "" },
      };
    },
  } as unknown as TrafficRouter;
  const ctx = { environment: "dev", now: () => new Date(now) } as unknown as StepContext;
  return {
    counts,
    ctx,
    router,
    advance: (seconds: number, requests: number, errors: number) => {
      now += seconds * 1000;
      counts.requests += requests;
      counts.errors += errors;
    },
  };
}
const action: AnalysisAction = {
  kind: "runAnalysis",
  id: "step-1-analysis",
  intervalSeconds: 10,
  count: 3,
  baseline: "1.0.0",
  canary: "2.0.0",
};

describe("errorRateAnalysis", () => {
  it("measures each interval's own requests and succeeds after count measurements within the limit", async () => {
    const w = world();
    const analysis = errorRateAnalysis({
      routerFor: async () => w.router,
      maxErrorRate: 0.05,
      minRequests: 20,
    });
    w.advance(0, 1000, 900); // before the analysis: not counted
    let p = await analysis.evaluate(w.ctx, "web", action, undefined);
    expect(p.verdict).toBeUndefined();
    expect(p.nextAt?.toISOString()).toBe("2026-11-27T10:00:10.000Z");
    w.advance(5, 50, 10);
    p = await analysis.evaluate(w.ctx, "web", action, p.state); // not due yet: same state
    expect(p.message).toMatch(/0\/3/);
    for (let i = 0; i < 3; i++) {
      w.advance(10, 100, 1);
      p = await analysis.evaluate(w.ctx, "web", action, p.state);
    }
    expect(p.verdict).toBe("success");
    expect(p.evidence).toMatchObject({
      measurements: [{ requests: 150, errors: 11 }, { requests: 100 }, { requests: 100 }],
    });
  });

  it("fails at the first measurement above the limit, and is inconclusive on thin traffic", async () => {
    const w = world();
    const analysis = errorRateAnalysis({ routerFor: async () => w.router });
    let p = await analysis.evaluate(w.ctx, "web", action, undefined);
    w.advance(10, 100, 6);
    p = await analysis.evaluate(w.ctx, "web", action, p.state);
    expect(p.verdict).toBe("failure");
    expect(p.message).toBe("2.0.0 error rate 6% over 100 requests (limit 5%, 1/3)");

    const thin = world();
    const a2 = errorRateAnalysis({ routerFor: async () => thin.router });
    let q = await a2.evaluate(thin.ctx, "web", action, undefined);
    for (let i = 0; i < 3; i++) {
      thin.advance(10, 5, 5); // all errors, but too few requests to judge
      q = await a2.evaluate(thin.ctx, "web", action, q.state);
    }
    expect(q.verdict).toBe("inconclusive");
    expect(q.message).toMatch(/3 of 3 measurements had fewer than 20 requests/);
  });

  it("answers named checks inconclusive (they need the analysis layer), none as success", async () => {
    const w = world();
    const analysis = errorRateAnalysis({ routerFor: async () => undefined });
    const checks = (names: string[]) =>
      analysis.evaluate(
        w.ctx,
        "web",
        { kind: "runChecks", id: "preview-checks", checks: names, version: "2.0.0" },
        undefined,
      );
    expect((await checks([])).verdict).toBe("success");
    expect(await checks(["smoke"])).toMatchObject({
      verdict: "inconclusive",
      message: expect.stringMatching(/smoke need the analysis layer/),
    });
    expect((await analysis.evaluate(w.ctx, "web", action, undefined)).verdict).toBe("inconclusive");
  });
});
