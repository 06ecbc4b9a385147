import { describe, expect, it } from "vitest";
import type { CheckOutcome } from "../../core/analysis/check-outcome.js";
import type { ReleaseCheckDocument } from "../../core/analysis/verification-schema.js";
import type { StepContext } from "../../core/run/step-handler.js";
import { emptyVersionStats } from "../../core/traffic/version-stats.js";
import { type CheckRoundState, runCheckRound, startCheckRound } from "./check-round.js";
import type { VerificationPorts } from "./verification-ports.js";

const clock = { now: 0 };
const ctx = {
  runId: "r",
  key: "w0/verify/orders",
  abort: new AbortController().signal,
  now: () => new Date(clock.now),
  log: () => {},
} as unknown as StepContext;
const target = {
  service: "orders",
  environment: "prod",
  version: "2.0.0",
  previousVersion: "1.0.0",
  startedAt: 0,
};

function scripted(script: CheckOutcome["kind"][]): VerificationPorts {
  let i = 0;
  return {
    createCheck: () => ({
      kind: "metric",
      name: "probe",
      run: async () => {
        const kind = script[Math.min(i++, script.length - 1)] ?? "error";
        return { kind, message: `probe ${kind}`, evidence: {} };
      },
    }),
  };
}

const probe = (extra: Partial<ReleaseCheckDocument> = {}): ReleaseCheckDocument => ({
  name: "probe",
  check: { kind: "sql-integrity", name: "probe", url: "postgres://x", query: "select 1" },
  ...extra,
});

async function drive(entry: ReleaseCheckDocument, ports: VerificationPorts, rounds = 20) {
  clock.now = 0;
  let state: CheckRoundState = startCheckRound(0);
  for (let r = 0; r < rounds; r++) {
    const round = await runCheckRound(ctx, [entry], [], ports, target, state);
    state = round.state;
    if (round.verdict !== undefined) return { round, at: clock.now };
    clock.now = round.nextAt ?? clock.now + 1000;
  }
  throw new Error("no verdict");
}

describe("a round of checks", () => {
  it("runs a check count times interval apart and passes within failureLimit", async () => {
    const { round, at } = await drive(
      probe({ count: 4, interval: "2s", failureLimit: 1 }),
      scripted(["passed", "failed", "passed", "passed"]),
    );
    expect(round.verdict).toBe("passed");
    expect(at).toBe(6000);
    expect(round.message).toMatch(/run 4\/4, 1 failed/);
  });

  it("fails as soon as failures exceed failureLimit", async () => {
    const { round, at } = await drive(probe({ count: 10, interval: "1s" }), scripted(["passed", "failed"]));
    expect(round.verdict).toBe("failed");
    expect(at).toBe(1000);
  });

  it("retries an error every 10 s and gives up after 4 in a row (Argo's consecutiveErrorLimit)", async () => {
    const { round, at } = await drive(probe(), scripted(["error"]));
    expect(round.verdict).toBe("failed");
    expect(at).toBe(40_000);
    expect(round.message).toMatch(/5 errors in a row > 4/);
    const recovered = await drive(probe(), scripted(["error", "error", "passed"]));
    expect(recovered.round.verdict).toBe("passed");
  });

  it("fires a burn-rate trigger from the builtin router's error ratio of the new version", async () => {
    const stats = {
      ...emptyVersionStats(),
      requests: 1000,
      responses: { ...emptyVersionStats().responses, "2xx": 950, "5xx": 50 },
    };
    const ports: VerificationPorts = {
      ...scripted(["passed"]),
      routerStats: async () => ({ "2.0.0": stats }),
    };
    const trigger = {
      name: "budget",
      burnRate: {
        errorRatio: { kind: "builtin" as const, series: "error-rate" as const },
        objective: 0.99,
        threshold: 2,
      },
    };
    const round = await runCheckRound(ctx, [probe()], [trigger], ports, target, startCheckRound(0));
    expect(round.fired.map((f) => f.reason)).toEqual([
      "error budget burns 5.00x (error ratio 0.05, objective 0.99) > 2x",
    ]);
    const calm = await runCheckRound(
      ctx,
      [probe()],
      [{ ...trigger, burnRate: { ...trigger.burnRate, threshold: 6 } }],
      ports,
      target,
      startCheckRound(0),
    );
    expect(calm.fired).toEqual([]);
  });
});
