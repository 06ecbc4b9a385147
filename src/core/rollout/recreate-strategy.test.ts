import { describe, expect, it } from "vitest";
import { drive, SimulatedFleet } from "../../../test/drivers/simulated-fleet.js";
import type { RecreatePlan } from "./recreate-strategy.js";
import { initialRolloutState } from "./rollout-plan.js";

const T0 = new Date("2026-11-27T10:00:00Z");
const plan: RecreatePlan = {
  kind: "recreate",
  from: { version: "1.0.0", slot: "a" },
  to: { version: "2.0.0", slot: "b" },
  replicas: 2,
};

describe("recreate", () => {
  it("never runs both versions at once", () => {
    const f = new SimulatedFleet();
    f.start("1.0.0", "a", 2);
    f.onChange = () => expect(new Set(f.instances.map((i) => i.version)).size).toBeLessThanOrEqual(1);
    const r = drive(plan, initialRolloutState(plan, T0), f, T0);
    expect(r.state.state.kind).toBe("completed");
    expect(f.instances.map((i) => i.version)).toEqual(["2.0.0", "2.0.0"]);
    expect(f.weights).toEqual({ "2.0.0": 100 });
  });

  it.each(["unhealthy", "refused"])("restores the old version when the new one is %s", (how) => {
    const f = new SimulatedFleet();
    f.start("1.0.0", "a", 2);
    if (how === "unhealthy") f.faulty.add("2.0.0");
    else f.refused.add("2.0.0");
    const r = drive(plan, initialRolloutState(plan, T0), f, T0);
    expect(r.state.state.kind).toBe("aborted");
    expect(f.instances.map((i) => `${i.version}/${i.slot}`)).toEqual(["1.0.0/a", "1.0.0/a"]);
  });
});
