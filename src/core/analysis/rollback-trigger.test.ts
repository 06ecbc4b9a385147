import { describe, expect, it } from "vitest";
import type { CheckOutcome } from "./check-outcome.js";
import {
  burnRate,
  burnRateTriggerFired,
  triggersFiredByAnalysis,
  triggersFiredByCheck,
} from "./rollback-trigger.js";
import { rollbackTriggerSchema } from "./verification-schema.js";

const failed: CheckOutcome = { kind: "failed", message: "health: 503", evidence: { status: 503 } };
const passed: CheckOutcome = { kind: "passed", message: "health: 200", evidence: { status: 200 } };

describe("rollback triggers", () => {
  it("fires a check trigger only after N failures in a row; a pass resets the streak", () => {
    const triggers = [{ name: "health", check: "probe", failures: 3 }];
    let streaks = {};
    const fired: string[] = [];
    for (const outcome of [failed, failed, passed, failed, failed, failed]) {
      const r = triggersFiredByCheck(triggers, streaks, "probe", outcome);
      streaks = r.streaks;
      fired.push(r.fired.length > 0 ? "F" : ".");
    }
    expect(fired.join("")).toBe(".....F");
  });

  it("fires on a KPI condition over the check's result, and carries the evidence", () => {
    const kpi: CheckOutcome = { kind: "passed", message: "kpi measured", evidence: { result: 0.91 } };
    const r = triggersFiredByCheck(
      [{ name: "kpi-low", check: "kpi", when: "result < 0.95", action: "pause" }],
      {},
      "kpi",
      kpi,
    );
    expect(r.fired).toHaveLength(1);
    expect(r.fired[0]).toMatchObject({
      trigger: "kpi-low",
      action: "pause",
      evidence: { result: 0.91, check: "kpi" },
    });
  });

  it("ignores an error of the check (it could not tell) and other checks", () => {
    const error: CheckOutcome = { kind: "error", message: "down", evidence: {} };
    expect(triggersFiredByCheck([{ name: "t", check: "probe" }], {}, "probe", error).fired).toEqual([]);
    expect(triggersFiredByCheck([{ name: "t", check: "probe" }], {}, "other", failed).fired).toEqual([]);
  });

  it("fires analysis triggers for their phases only", () => {
    const triggers = [{ name: "a", analysis: ["Failed", "Error"] as ("Failed" | "Error")[] }];
    expect(triggersFiredByAnalysis(triggers, "Failed", "judge score 0")).toHaveLength(1);
    expect(triggersFiredByAnalysis(triggers, "Inconclusive", "marginal")).toHaveLength(0);
  });

  it("computes the burn rate as error ratio over the budget (SRE workbook: 14.4 at 1.44% for 99.9%)", () => {
    expect(burnRate(0.0144, 0.999)).toBeCloseTo(14.4, 9);
    const t = {
      name: "budget",
      burnRate: {
        errorRatio: { kind: "builtin" as const, series: "error-rate" as const },
        objective: 0.999,
        threshold: 14.4,
      },
    };
    expect(burnRateTriggerFired(t, 0.02)?.reason).toMatch(/burns 20\.00x/);
    expect(burnRateTriggerFired(t, 0.01)).toBeUndefined();
    expect(burnRateTriggerFired(t, Number.NaN)).toBeUndefined();
  });

  it("refuses a trigger with no source or with two, naming the trigger", () => {
    const none = rollbackTriggerSchema.safeParse({ name: "x" });
    expect(none.success).toBe(false);
    expect(JSON.stringify(none.error?.issues)).toContain(
      'needs exactly one of check, analysis or burnRate; \\"x\\" has none',
    );
    const two = rollbackTriggerSchema.safeParse({ name: "y", check: "c", analysis: ["Failed"] });
    expect(JSON.stringify(two.error?.issues)).toContain("has check and analysis");
    expect(rollbackTriggerSchema.safeParse({ name: "z", analysis: ["Failed"], failures: 2 }).success).toBe(
      false,
    );
  });
});
