import { describe, expect, it } from "vitest";
import { drive, SimulatedFleet } from "../../../test/drivers/simulated-fleet.js";
import type { CanaryPlan } from "./canary-strategy.js";
import { initialRolloutState, nextRollout } from "./rollout-plan.js";

const T0 = new Date("2026-11-27T10:00:00Z");
const plan = (steps: CanaryPlan["steps"]): CanaryPlan => ({
  kind: "canary",
  stable: { version: "1.0.0", slot: "stable" },
  canary: { version: "2.0.0", slot: "canary" },
  replicas: 2,
  steps,
});

function fleetAtV1(): SimulatedFleet {
  const fleet = new SimulatedFleet();
  fleet.start("1.0.0", "stable", 2);
  fleet.onChange = () => {
    const total = Object.values(fleet.weights ?? {}).reduce((a, b) => a + b, 0);
    expect(total).toBe(100);
    // Traffic never goes to a version without healthy instances.
    for (const [version, w] of Object.entries(fleet.weights ?? {}))
      if (w > 0)
        expect(fleet.instances.some((i) => i.version === version && i.health === "healthy")).toBe(true);
  };
  return fleet;
}

describe("canary", () => {
  it("walks the steps to 100% and retires the old stable", () => {
    const p = plan([
      { kind: "setWeight", weight: 10 },
      { kind: "pause", seconds: 60 },
      { kind: "setHeaderRoute", header: "x-tester", value: "yes" },
      { kind: "analysis", intervalSeconds: 30, count: 3 },
      { kind: "setWeight", weight: 50 },
    ]);
    const fleet = fleetAtV1();
    const r = drive(p, initialRolloutState(p, T0), fleet, T0);
    expect(r.state.state.kind).toBe("completed");
    expect(fleet.weights).toEqual({ "2.0.0": 100 });
    expect(fleet.headerRoute).toBeNull();
    expect(fleet.instances.map((i) => i.version)).toEqual(["2.0.0", "2.0.0"]);
    const weights = fleet.applied.flatMap((a) => (a.kind === "setWeights" ? [a.weights["2.0.0"]] : []));
    expect(weights).toEqual([10, 50, 100]);
    // The 60 s pause really held the rollout for 60 s of clock.
    expect(r.now.getTime() - T0.getTime()).toBeGreaterThanOrEqual(60_000);
  });

  it("routes testers by cookie to the canary at weight 0, and clears the route on promotion", () => {
    const p = plan([{ kind: "setHeaderRoute", cookie: "beta", value: "yes" }, { kind: "pause" }]);
    const fleet = fleetAtV1();
    const paused = drive(p, initialRolloutState(p, T0), fleet, T0);
    expect(paused.phases.at(-1)).toBe("Paused");
    expect(fleet.weights).toEqual({ "1.0.0": 100 });
    expect(fleet.headerRoute).toEqual({ cookie: "beta", value: "yes", version: "2.0.0" });
    fleet.signals.push({ kind: "promote", at: paused.now.toISOString() });
    expect(drive(p, paused.state, fleet, paused.now).state.state.kind).toBe("completed");
    expect(fleet.headerRoute).toBeNull();
    expect(fleet.weights).toEqual({ "2.0.0": 100 });
  });

  it("waits for a promote signal on an open-ended pause, and not before", () => {
    const p = plan([{ kind: "setWeight", weight: 20 }, { kind: "pause" }]);
    const fleet = fleetAtV1();
    const paused = drive(p, initialRolloutState(p, T0), fleet, T0);
    expect(paused.state.state.kind).toBe("stepping");
    expect(paused.phases.at(-1)).toBe("Paused");
    expect(fleet.weights).toEqual({ "1.0.0": 80, "2.0.0": 20 });
    // A promote sent before the pause began does not count.
    fleet.signals.push({ kind: "promote", at: T0.toISOString() });
    expect(drive(p, paused.state, fleet, paused.now).state.state.kind).toBe("stepping");
    fleet.signals.push({ kind: "promote", at: paused.now.toISOString() });
    expect(drive(p, paused.state, fleet, paused.now).state.state.kind).toBe("completed");
  });

  it("abort returns all traffic to stable in the very next actions, then retires the canary", () => {
    const p = plan([{ kind: "setWeight", weight: 30 }, { kind: "pause" }]);
    const fleet = fleetAtV1();
    const paused = drive(p, initialRolloutState(p, T0), fleet, T0);
    fleet.signals.push({ kind: "abort", at: paused.now.toISOString(), reason: "error rate" });
    const r = nextRollout(p, paused.state, fleet.observe(), paused.now);
    expect(r.actions[0]).toEqual({ kind: "setWeights", id: "abort-weights", weights: { "1.0.0": 100 } });
    expect(r.actions.some((a) => a.kind === "retire")).toBe(false);
    const end = drive(p, paused.state, fleet, paused.now);
    expect(end.state.state).toEqual({ kind: "aborted", reason: "error rate" });
    expect(fleet.instances.every((i) => i.version === "1.0.0")).toBe(true);
  });

  it("an abort that arrives after the old stable began to retire lets the promotion finish", () => {
    const p = plan([{ kind: "setWeight", weight: 50 }]);
    const fleet = fleetAtV1();
    let state = initialRolloutState(p, T0);
    while (!fleet.applied.some((a) => a.kind === "retire")) {
      const r = nextRollout(p, state, fleet.observe(), T0);
      fleet.apply(r.actions);
      state = r.state;
    }
    fleet.signals.push({ kind: "abort", at: T0.toISOString() });
    expect(drive(p, state, fleet, T0).state.state.kind).toBe("completed");
    expect(fleet.weights).toEqual({ "2.0.0": 100 });
  });

  it("a failed analysis aborts; an inconclusive one pauses for a person", () => {
    const p = plan([
      { kind: "setWeight", weight: 10 },
      { kind: "analysis", intervalSeconds: 10, count: 2 },
    ]);
    const failing = fleetAtV1();
    failing.verdictFor = () => "failure";
    expect(drive(p, initialRolloutState(p, T0), failing, T0).state.state.kind).toBe("aborted");
    expect(failing.weights).toEqual({ "1.0.0": 100 });
    const unsure = fleetAtV1();
    unsure.verdictFor = () => "inconclusive";
    const r = drive(p, initialRolloutState(p, T0), unsure, T0);
    expect(r.phases.at(-1)).toBe("Paused");
    expect(unsure.weights).toEqual({ "1.0.0": 90, "2.0.0": 10 });
  });

  it("an unhealthy canary never receives traffic", () => {
    const p = plan([{ kind: "setWeight", weight: 50 }]);
    const fleet = fleetAtV1();
    fleet.faulty.add("2.0.0");
    const r = drive(p, initialRolloutState(p, T0), fleet, T0);
    expect(r.state.state.kind).toBe("aborted");
    expect(fleet.applied.some((a) => a.kind === "setWeights" && (a.weights["2.0.0"] ?? 0) > 0)).toBe(false);
  });

  it("a canary the driver could not start aborts with the driver's reason", () => {
    const p = plan([{ kind: "setWeight", weight: 50 }]);
    const fleet = fleetAtV1();
    fleet.refused.add("2.0.0");
    const r = drive(p, initialRolloutState(p, T0), fleet, T0);
    expect(r.state.state).toEqual({
      kind: "aborted",
      reason: "canary deploy failed: 2.0.0 never became healthy",
    });
    expect(fleet.weights).toEqual({ "1.0.0": 100 });
  });

  it("repeats the same actions for the same observation (level-triggered)", () => {
    const p = plan([{ kind: "setWeight", weight: 10 }]);
    const fleet = fleetAtV1();
    const s0 = initialRolloutState(p, T0);
    const a = nextRollout(p, s0, fleet.observe(), T0);
    const b = nextRollout(p, s0, fleet.observe(), T0);
    expect(b).toEqual(a);
  });
});
