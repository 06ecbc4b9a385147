import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SimulatedFleet } from "../../../test/drivers/simulated-fleet.js";
import type { CanaryPlan, CanaryStep } from "./canary-strategy.js";
import { initialRolloutState, nextRollout, rolloutFinished } from "./rollout-plan.js";

const step: fc.Arbitrary<CanaryStep> = fc.oneof(
  fc.integer({ min: 0, max: 100 }).map((weight) => ({ kind: "setWeight", weight }) as const),
  fc.integer({ min: 1, max: 600 }).map((seconds) => ({ kind: "pause", seconds }) as const),
  fc.constant({ kind: "analysis", intervalSeconds: 30, count: 2 } as const),
  fc.constant({ kind: "setHeaderRoute", header: "x-canary", value: "1" } as const),
  fc.constant({ kind: "setHeaderRoute", cookie: "beta", value: "1" } as const),
);

describe("canary properties", () => {
  it("for any steps, verdicts and abort time: weights stay whole, traffic only reaches healthy versions, and the end is clean", () => {
    fc.assert(
      fc.property(
        fc.array(step, { maxLength: 8 }),
        fc.option(fc.integer({ min: 0, max: 40 }), { nil: undefined }),
        fc.boolean(),
        (steps, abortAtTick, analysisFails) => {
          const plan: CanaryPlan = {
            kind: "canary",
            stable: { version: "1", slot: "stable" },
            canary: { version: "2", slot: "canary" },
            replicas: 1,
            steps,
          };
          const fleet = new SimulatedFleet();
          fleet.start("1", "stable", 1);
          fleet.verdictFor = () => (analysisFails ? "failure" : "success");
          fleet.onChange = () => {
            expect(Object.values(fleet.weights ?? {}).reduce((a, b) => a + b, 0)).toBe(100);
            for (const [v, w] of Object.entries(fleet.weights ?? {}))
              if (w > 0)
                expect(fleet.instances.some((i) => i.version === v && i.health === "healthy")).toBe(true);
          };
          let state = initialRolloutState(plan, new Date(0));
          let now = new Date(0);
          for (let tick = 0; tick < 100 && !rolloutFinished(state); tick++) {
            if (tick === abortAtTick) fleet.signals.push({ kind: "abort", at: now.toISOString() });
            const r = nextRollout(plan, state, fleet.observe(), now);
            // "Abort returns weight to stable at once": while any traffic is on the canary, moving it back comes first.
            if (r.state.state.kind === "aborting" && (fleet.weights?.["1"] ?? 0) !== 100)
              expect(r.actions[0]).toMatchObject({ kind: "setWeights", weights: { "1": 100 } });
            fleet.apply(r.actions);
            state = r.state;
            now = new Date(now.getTime() + 60_000);
          }
          expect(rolloutFinished(state)).toBe(true);
          const winner = state.state.kind === "completed" ? "2" : "1";
          expect(fleet.weights).toEqual({ [winner]: 100 });
          expect(fleet.headerRoute).toBeNull();
          expect(fleet.instances.map((i) => i.version)).toEqual([winner]);
        },
      ),
      { numRuns: 200 },
    );
  });
});
