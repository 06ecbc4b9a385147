import { describe, expect, it } from "vitest";
import { drive, SimulatedFleet } from "../../../test/drivers/simulated-fleet.js";
import type { BlueGreenPlan } from "./blue-green-strategy.js";
import { initialRolloutState, nextRollout } from "./rollout-plan.js";

const T0 = new Date("2026-11-27T10:00:00Z");
const plan: BlueGreenPlan = {
  kind: "blueGreen",
  active: { version: "1.0.0", slot: "blue" },
  preview: { version: "2.0.0", slot: "green" },
  replicas: 2,
  previewChecks: ["smoke"],
  scaleDownDelaySeconds: 120,
};

function fleet(): SimulatedFleet {
  const f = new SimulatedFleet();
  f.start("1.0.0", "blue", 2);
  return f;
}

describe("blue-green", () => {
  it("checks the preview before switching, keeps the old side for the delay, then retires it", () => {
    const f = fleet();
    let switchedWhileOldUp = false;
    f.onChange = (a) => {
      if (a.kind === "setWeights" && a.id === "switch") {
        // At the switch the preview had passed its checks and the old side still ran.
        expect(f.verdicts["preview-checks"]).toBe("success");
        switchedWhileOldUp = f.instances.some((i) => i.slot === "blue");
      }
    };
    const r = drive(plan, initialRolloutState(plan, T0), f, T0);
    expect(r.state.state.kind).toBe("completed");
    expect(switchedWhileOldUp).toBe(true);
    expect(f.weights).toEqual({ "2.0.0": 100 });
    expect(f.instances.every((i) => i.slot === "green")).toBe(true);
    expect(r.now.getTime() - T0.getTime()).toBeGreaterThanOrEqual(120_000);
  });

  it("switches back to the old side when aborted during the scale-down delay", () => {
    const f = fleet();
    let s = initialRolloutState(plan, T0);
    let now = T0;
    for (let i = 0; i < 10 && s.state.kind !== "scaleDownDelay"; i++) {
      const r = nextRollout(plan, s, f.observe(), now);
      f.apply(r.actions);
      s = r.state;
      now = new Date(now.getTime() + 1000);
    }
    expect(f.weights).toEqual({ "2.0.0": 100 });
    f.signals.push({ kind: "abort", at: now.toISOString(), reason: "latency" });
    const back = nextRollout(plan, s, f.observe(), now);
    expect(back.actions).toEqual([{ kind: "setWeights", id: "switch-back", weights: { "1.0.0": 100 } }]);
    const end = drive(plan, s, f, now);
    expect(end.state.state).toEqual({ kind: "aborted", reason: "latency" });
    expect(f.instances.every((i) => i.version === "1.0.0")).toBe(true);
  });

  it("a preview the driver could not start never takes traffic", () => {
    const f = fleet();
    f.refused.add("2.0.0");
    const r = drive(plan, initialRolloutState(plan, T0), f, T0);
    expect(r.state.state).toEqual({
      kind: "aborted",
      reason: "preview deploy failed: 2.0.0 never became healthy",
    });
    expect(f.weights).toEqual({ "1.0.0": 100 });
  });

  it("a failed preview check never moves traffic", () => {
    const f = fleet();
    f.verdictFor = () => "failure";
    const r = drive(plan, initialRolloutState(plan, T0), f, T0);
    expect(r.state.state.kind).toBe("aborted");
    expect(f.applied.some((a) => a.kind === "setWeights")).toBe(false);
    expect(f.weights).toEqual({ "1.0.0": 100 });
    expect(f.instances.every((i) => i.slot === "blue")).toBe(true);
  });
});
