import { describe, expect, it } from "vitest";
import { judgeCanary } from "../../core/analysis/canary-judge.js";
import type { FiredTrigger } from "../../core/analysis/rollback-trigger.js";
import type { VerificationSettings } from "../../core/analysis/verification-settings.js";
import type { AnalysisAction } from "../../core/rollout/rollout-analysis-port.js";
import type { StepContext } from "../../core/run/step-handler.js";
import { emptyVersionStats, latencyBucket, type VersionStats } from "../../core/traffic/version-stats.js";
import { judgeAnalysisExecutor } from "./judge-analysis-executor.js";
import type { VerificationPorts } from "./verification-ports.js";

/** mulberry32, seeded: the same traffic every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Cumulative per-version stats as the builtin router keeps them, fed request by request. */
class FakeRouter {
  readonly stats: Record<string, VersionStats> = {};
  answer(version: string, seconds: number, status: number): void {
    const s = this.stats[version] ?? emptyVersionStats();
    const counts = [...s.latency.counts];
    const b = latencyBucket(s.latency.bounds, seconds);
    counts[b] = (counts[b] ?? 0) + 1;
    this.stats[version] = {
      ...s,
      requests: s.requests + 1,
      responses: {
        ...s.responses,
        [status >= 500 ? "5xx" : "2xx"]: s.responses[status >= 500 ? "5xx" : "2xx"] + 1,
      },
      latency: {
        ...s.latency,
        counts,
        sumSeconds: s.latency.sumSeconds + seconds,
        count: s.latency.count + 1,
      },
    };
  }
}

function context(clock: { now: number }, verification?: VerificationSettings): StepContext {
  return {
    runId: "r1",
    stepId: "s1",
    key: "w0/rollout/orders",
    kind: "rollout",
    service: "orders",
    environment: "prod",
    direction: "forward",
    attempt: 1,
    input: verification ? { verification } : {},
    output: {},
    signals: async () => [],
    fence: { stepId: "s1", generation: 1 },
    abort: new AbortController().signal,
    now: () => new Date(clock.now),
    idempotencyKey: (id) => id,
    checkpoint: async () => {},
    log: () => {},
  };
}

const action: Extract<AnalysisAction, { kind: "runAnalysis" }> = {
  kind: "runAnalysis",
  id: "a1",
  intervalSeconds: 10,
  count: 3,
  baseline: "1.0.0",
  canary: "1.1.0",
};

/** Drives the executor as the rollout handler would, feeding traffic between evaluations. */
async function drive(
  factor: number,
  seed: number,
  verification?: VerificationSettings,
  errorRate = 0,
  fired: FiredTrigger[] = [],
  ports: Partial<VerificationPorts> = {},
) {
  const router = new FakeRouter();
  const random = seeded(seed);
  const clock = { now: 1_700_000_000_000 };
  const executor = judgeAnalysisExecutor({
    routerStats: async () => structuredClone(router.stats),
    fireTrigger: async (_ctx, f) => {
      fired.push(f);
    },
    ...ports,
  });
  const ctx = context(clock, verification);
  let state: Readonly<Record<string, unknown>> | undefined;
  for (let i = 0; i < 200; i++) {
    const progress = await executor.evaluate(ctx, "orders", action, state);
    state = progress.state;
    if (progress.verdict !== undefined) return { progress, evaluations: i + 1 };
    const next = progress.nextAt?.getTime() ?? clock.now + 1000;
    // 40 requests per version per second, latency uniform in 20-85 ms (the canary's times `factor`).
    for (let t = clock.now; t < next; t += 1000)
      for (let r = 0; r < 40; r++) {
        router.answer("1.0.0", 0.02 + random() * 0.065, 200);
        router.answer("1.1.0", (0.02 + random() * 0.065) * factor, random() < errorRate ? 500 : 200);
      }
    clock.now = next;
  }
  throw new Error("no verdict after 200 evaluations");
}

describe("judge-based analysis executor (builtin router series, default analysis)", () => {
  it("fails a canary whose latency is 30% higher, and says why", async () => {
    const { progress } = await drive(1.3, 1);
    expect(progress.verdict).toBe("failure");
    const judgement = (
      progress.evidence as { judgement: { metrics: Record<string, { classification: string }> } }
    ).judgement;
    expect(judgement.metrics["latency-p95"]?.classification).toBe("High");
    expect(progress.message).toMatch(/canary-judge Failed/);
  });

  it("judges through the judge port when one is wired (the server's judge threads)", async () => {
    const judged: string[][] = [];
    const judge: VerificationPorts["judge"] = async (config, baseline, canary) => {
      judged.push(config.metrics.map((m) => m.name));
      return judgeCanary(config, baseline, canary);
    };
    const { progress } = await drive(1.3, 1, undefined, 0, [], { judge });
    expect(progress.verdict).toBe("failure");
    expect(judged.length).toBeGreaterThan(0);
    expect(judged[0]).toContain("latency-p95");
  });

  it("passes a canary with noise only, for 20 seeds", async () => {
    for (let seed = 100; seed < 120; seed++) {
      const { progress } = await drive(1, seed);
      expect(progress.verdict, `seed ${seed}: ${progress.message}`).toBe("success");
    }
  });

  it("measures count times, interval apart, sampling the router every second in between", async () => {
    const { progress, evaluations } = await drive(1, 7);
    const judgement = (progress.evidence as { judgement: { metrics: Record<string, { canary: number }> } })
      .judgement;
    // 3 measurements 10 s apart, the first at once: about 20 one-second samples per side.
    expect(judgement.metrics["latency-p95"]?.canary).toBeGreaterThanOrEqual(18);
    expect(evaluations).toBeGreaterThanOrEqual(20);
  });
});

describe("Argo semantics over builtin thresholds", () => {
  const thresholds = (metric: Record<string, unknown>): VerificationSettings => ({
    checks: [],
    triggers: [{ name: "auto", analysis: ["Failed", "Error"] }],
    analysis: {
      metrics: [
        {
          name: "errors",
          provider: { kind: "builtin", series: "error-rate" },
          successCondition: "result < 0.01",
          failureCondition: "result > 0.05",
          ...metric,
        },
      ],
    },
  });

  it("is inconclusive when neither condition holds, and fires no rollback trigger", async () => {
    const fired: FiredTrigger[] = [];
    const { progress } = await drive(1, 3, thresholds({}), 0.03, fired);
    expect(progress.verdict).toBe("inconclusive");
    expect(fired).toEqual([]);
  });

  it("fails past failureLimit and fires the analysis trigger with the measurements as evidence", async () => {
    const fired: FiredTrigger[] = [];
    const { progress } = await drive(1, 4, thresholds({ failureLimit: 1 }), 0.2, fired);
    expect(progress.verdict).toBe("failure");
    expect(progress.message).toMatch(/failed \(2\) > failureLimit \(1\)/);
    expect(fired.map((f) => f.trigger)).toEqual(["auto"]);
  });

  it("never lets a dry-run metric decide", async () => {
    const { progress } = await drive(1, 5, thresholds({ dryRun: true }), 0.2);
    expect(progress.verdict).toBe("success");
  });
});

describe("runChecks", () => {
  it("fails at once for a check the Release does not have, naming the known ones", async () => {
    const executor = judgeAnalysisExecutor({});
    const progress = await executor.evaluate(
      context({ now: 0 }, { checks: [], triggers: [] }),
      "orders",
      { kind: "runChecks", id: "c", checks: ["smoke"], version: "1.1.0" },
      undefined,
    );
    expect(progress.verdict).toBe("failure");
    expect(progress.message).toMatch(/"smoke" are not in the Release's checks for orders \(known: none\)/);
  });

  it("runs the named checks: passes when all pass, fails and fires the check's trigger when one fails", async () => {
    const outcomes: Record<string, "passed" | "failed"> = { smoke: "passed", queue: "passed" };
    const fired: FiredTrigger[] = [];
    const executor = judgeAnalysisExecutor({
      createCheck: (doc) => ({
        kind: doc.kind,
        name: doc.kind,
        run: async () => {
          const name = doc.kind === "synthetic-http" ? "smoke" : "queue";
          return {
            kind: outcomes[name] ?? "error",
            message: `${name} ${outcomes[name]}`,
            evidence: { depth: 7 },
          };
        },
      }),
      fireTrigger: async (_ctx, f) => {
        fired.push(f);
      },
    });
    const settings: VerificationSettings = {
      checks: [
        { name: "smoke", check: { kind: "synthetic-http", name: "smoke", steps: [{ url: "http://x/" }] } },
        { name: "queue", check: { kind: "redis-length", url: "redis://x", key: "q", length: { max: 5 } } },
      ],
      triggers: [{ name: "backlog", check: "queue" }],
    };
    const act = { kind: "runChecks" as const, id: "c", checks: ["smoke", "queue"], version: "1.1.0" };
    const ok = await executor.evaluate(context({ now: 0 }, settings), "orders", act, undefined);
    expect(ok.verdict, ok.message).toBe("success");
    outcomes.queue = "failed";
    const bad = await executor.evaluate(context({ now: 0 }, settings), "orders", act, undefined);
    expect(bad.verdict).toBe("failure");
    expect(bad.message).toMatch(/trigger "backlog" fired/);
    expect(fired.map((f) => f.trigger)).toEqual(["backlog"]);
  });
});
