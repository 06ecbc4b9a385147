import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { drive, SimulatedFleet } from "../../../test/drivers/simulated-fleet.js";
import type { RollingPlan } from "./rolling-strategy.js";
import { initialRolloutState } from "./rollout-plan.js";

const T0 = new Date("2026-11-27T10:00:00Z");
const rolling = (replicas: number, batchSize: number, maxUnavailable: number): RollingPlan => ({
  kind: "rolling",
  from: { version: "1.0.0", slot: "a" },
  to: { version: "2.0.0", slot: "b" },
  replicas,
  batchSize,
  maxUnavailable,
});

describe("rolling", () => {
  it("stays within surge and availability bounds and ends with every instance on the new version", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 3 }),
        (n, batch, maxU) => {
          const plan = rolling(n, batch, maxU);
          const f = new SimulatedFleet();
          f.start("1.0.0", "a", n);
          f.onChange = () => {
            const healthy = f.instances.filter((i) => i.health === "healthy").length;
            expect(f.instances.length).toBeLessThanOrEqual(n + batch);
            expect(healthy).toBeGreaterThanOrEqual(Math.max(0, n - maxU));
          };
          const r = drive(plan, initialRolloutState(plan, T0), f, T0);
          expect(r.state.state.kind).toBe("completed");
          expect(f.instances.filter((i) => i.version === "2.0.0")).toHaveLength(n);
          expect(f.instances).toHaveLength(n);
          expect(f.weights).toEqual({ "2.0.0": 100 });
        },
      ),
      { numRuns: 60 },
    );
  });

  it("one at a time with maxUnavailable 0 takes a step per instance", () => {
    const f = new SimulatedFleet("orders", false);
    f.start("1.0.0", "a", 3);
    const plan = rolling(3, 1, 0);
    drive(plan, initialRolloutState(plan, T0), f, T0);
    const changes = f.applied
      .filter((a) => a.kind !== "wait")
      .map((a) => `${a.kind}:${"replicas" in a ? a.replicas : ""}`);
    expect(changes).toEqual(["deploy:1", "scale:2", "deploy:2", "scale:1", "deploy:3", "retire:"]);
  });

  it.each(["unhealthy", "refused by the driver"])(
    "rolls the old version back up when the new one is %s",
    (how) => {
      const f = new SimulatedFleet();
      f.start("1.0.0", "a", 3);
      if (how === "unhealthy") f.faulty.add("2.0.0");
      else f.refused.add("2.0.0");
      const plan = rolling(3, 1, 0);
      const r = drive(plan, initialRolloutState(plan, T0), f, T0);
      expect(r.state.state.kind).toBe("aborted");
      expect(f.instances.map((i) => i.version)).toEqual(["1.0.0", "1.0.0", "1.0.0"]);
      expect(f.weights).toEqual({ "1.0.0": 100 });
    },
  );
});
