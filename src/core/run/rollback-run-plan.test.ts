import { describe, expect, it } from "vitest";
import { type FinishedStep, rollbackRunPlan, versionBefore } from "./rollback-run-plan.js";

const step = (
  key: string,
  wave: number,
  output: Record<string, unknown>,
  extra: Partial<FinishedStep> = {},
): FinishedStep => ({
  key,
  kind: "rollout",
  service: key.split("/").pop() ?? null,
  wave,
  state: "succeeded",
  direction: "forward",
  startedAt: 1,
  input: { from: "0.0.0", to: "2.0.0" },
  output,
  ...extra,
});
const canaryFrom = (version: string) => ({
  mode: "strategy",
  plan: {
    kind: "canary",
    stable: { version, slot: "stable" },
    canary: { version: "2.0.0", slot: "canary" },
    replicas: 1,
    steps: [],
  },
});

describe("rollbackRunPlan", () => {
  it("reverts rollouts that started, last wave first, back to the version each found running", () => {
    const plan = rollbackRunPlan({ id: "r1", release: "rel", environment: "dev" }, [
      step("w0/rollout/db", 0, canaryFrom("1.0.0")),
      step("w1/rollout/web", 1, { mode: "initial" }),
      step("w1/rollout/api", 1, canaryFrom("1.5.0"), { state: "failed" }),
      step("w1/verify/web", 1, {}, { kind: "verify" }),
      step("w2/rollout/never", 2, {}, { startedAt: null, state: "canceled" }),
    ]);
    expect(plan.steps.map((s) => [s.key, s.wave, s.dependsOn, s.input.from])).toEqual([
      ["rollback/w1/rollout/api", 0, [], "1.5.0"],
      ["rollback/w1/rollout/web", 0, [], "none"],
      ["rollback/w0/rollout/db", 1, ["rollback/w1/rollout/api", "rollback/w1/rollout/web"], "1.0.0"],
    ]);
    expect(plan.steps[0]?.input).toMatchObject({
      to: "2.0.0",
      rollback: true,
      revertOf: "w1/rollout/api",
      revertRun: "r1",
    });
  });

  it("falls back to the step's own from when it never chose a plan", () => {
    expect(versionBefore(step("w0/rollout/x", 0, {}))).toBeUndefined();
    expect(
      rollbackRunPlan({ id: "r", release: "x", environment: "e" }, [step("w0/rollout/x", 0, {})]).steps[0]
        ?.input.from,
    ).toBe("0.0.0");
  });
});
