import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AnalysisAction } from "../core/rollout/rollout-analysis-port.js";
import type { StepContext } from "../core/run/step-handler.js";
import type { TrafficRouter } from "../core/traffic/traffic-router.js";
import { emptyVersionStats } from "../core/traffic/version-stats.js";
import type { RolloutTargets } from "../engine/rollout/rollout-target.js";
import { openStore, type Store } from "../store/store.js";
import { analysisByRelease } from "./analysis-by-release.js";

// Which executor answers is what this checks; the router is a stand-in that reports counters (the
// real routers, driver and both executors run end to end in test/demo/demo.test.ts).
const router = {
  kind: "builtin",
  observe: async (service: string) => ({
    service,
    config: {
      service,
      listen: "127.0.0.1:1",
      upstreams: {},
      weights: {},
      headerRoute: null,
      sticky: null,
      revision: 1,
    },
    stats: { "1.0.0": emptyVersionStats(), "2.0.0": emptyVersionStats() },
    router: { kind: "builtin", pid: 1, adminUrl: "http://127.0.0.1:1", startedAt: "2027-01-01T00:00:00Z" },
  }),
} as unknown as TrafficRouter;
const targets = { routerFor: async () => router } as unknown as RolloutTargets;

const action: AnalysisAction = {
  kind: "runAnalysis",
  id: "step-1-analysis",
  intervalSeconds: 10,
  count: 1,
  baseline: "1.0.0",
  canary: "2.0.0",
};

function ctx(input: Record<string, unknown>): StepContext {
  return {
    runId: "r",
    stepId: "s",
    key: "w0/rollout/billing",
    kind: "rollout",
    service: "billing",
    environment: "demo",
    direction: "forward",
    attempt: 1,
    input,
    output: {},
    fence: { stepId: "s", generation: 1 },
    abort: new AbortController().signal,
    now: () => new Date("2027-01-01T00:00:00Z"),
  } as unknown as StepContext;
}

let store: Store;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "upshift-analysis-choice-"));
  store = await openStore({ dataDir: dir });
});
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("the rollout analysis chosen by the Release", () => {
  it("keeps the error-rate analysis for a Release without analysis", async () => {
    const p = await analysisByRelease(store, targets, {}).evaluate(
      ctx({ from: "1.0.0", to: "2.0.0" }),
      "billing",
      action,
      undefined,
    );
    expect(p.message).toBe("measuring 2.0.0 error rate (0/1)");
  });

  it("judges with the statistical judge when the Release has an analysis", async () => {
    const analysis = {
      metrics: [
        {
          name: "canary-judge",
          initialDelay: "12s",
          provider: {
            kind: "judge",
            metrics: [
              { name: "error-rate", source: { kind: "builtin", series: "error-rate" }, critical: true },
            ],
          },
        },
      ],
    };
    const p = await analysisByRelease(store, targets, {}).evaluate(
      ctx({ from: "1.0.0", to: "2.0.0", verification: { checks: [], analysis, triggers: [] } }),
      "billing",
      action,
      undefined,
    );
    expect(p.verdict).toBeUndefined();
    expect(p.message).toContain("canary-judge");
  });
});
