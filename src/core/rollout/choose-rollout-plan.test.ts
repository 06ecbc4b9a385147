import { describe, expect, it } from "vitest";
import { chooseRolloutPlan } from "./choose-rollout-plan.js";
import type { Instance } from "./driver-port.js";

const at = (version: string, slot: string, n = 2, health: Instance["health"] = "healthy"): Instance[] =>
  Array.from({ length: n }, (_, index) => ({
    service: "web",
    environment: "dev",
    version,
    slot,
    index,
    health,
  }));
const canary = { canary: { steps: [{ setWeight: 10 }, { pause: {} }] } };
const choose = (
  from: string,
  to: string,
  instances: Instance[],
  direction: "forward" | "rollback" = "forward",
  strategy: Parameters<typeof chooseRolloutPlan>[0]["strategy"] = canary,
) => chooseRolloutPlan({ from, to, strategy, replicas: 2, instances, direction });

describe("chooseRolloutPlan", () => {
  it("deploys straight to the first slot of the strategy when nothing runs (a first deploy)", () => {
    expect(choose("0.0.0", "1.0.0", [])).toEqual({
      mode: "initial",
      plan: {
        kind: "recreate",
        from: { version: "1.0.0", slot: "stable" },
        to: { version: "1.0.0", slot: "stable" },
        replicas: 2,
      },
    });
    expect(choose("none", "1.0.0", [], "forward", { blueGreen: {} }).plan).toMatchObject({
      to: { slot: "blue" },
    });
    // Dead records do not count as running.
    expect(choose("1.0.0", "2.0.0", at("1.0.0", "stable", 2, "gone")).mode).toBe("initial");
  });

  it("runs the strategy from what runs, even when the Service document names another version", () => {
    const c = choose("0.0.0", "2.0.0", at("1.0.0", "stable"));
    expect(c.mode).toBe("strategy");
    expect(c.plan).toMatchObject({
      kind: "canary",
      stable: { version: "1.0.0", slot: "stable" },
      canary: { version: "2.0.0", slot: "canary" },
    });
    // The next rollout goes back to the other slot of the pair.
    expect(choose("2.0.0", "3.0.0", at("2.0.0", "canary")).plan).toMatchObject({
      stable: { slot: "canary" },
      canary: { slot: "stable" },
    });
  });

  it("adopts a version that already runs instead of rolling it out again", () => {
    expect(choose("1.0.0", "1.0.0", at("1.0.0", "stable")).plan).toMatchObject({
      kind: "recreate",
      to: { version: "1.0.0", slot: "stable" },
    });
  });

  it("in rollback direction: reverts a half-done change through the strategy, reverses a completed one", () => {
    const half = choose("1.0.0", "2.0.0", [...at("1.0.0", "stable"), ...at("2.0.0", "canary")], "rollback");
    expect(half.mode).toBe("revert");
    expect(half.plan).toMatchObject({ stable: { version: "1.0.0" }, canary: { version: "2.0.0" } });
    const done = choose("1.0.0", "2.0.0", at("2.0.0", "canary"), "rollback");
    expect(done.mode).toBe("reverse");
    // Quick: no canary steps on the way back.
    expect(done.plan).toMatchObject({
      kind: "canary",
      stable: { version: "2.0.0", slot: "canary" },
      canary: { version: "1.0.0", slot: "stable" },
      steps: [],
    });
    const bg = choose("1.0.0", "2.0.0", at("2.0.0", "green"), "rollback", {
      blueGreen: { scaleDownDelay: "5m" },
    });
    expect(bg.plan).toMatchObject({ kind: "blueGreen", scaleDownDelaySeconds: 0, preview: { slot: "blue" } });
  });

  it("in rollback direction: nothing of the new version runs → makes sure the old one does; none → removes", () => {
    expect(choose("1.0.0", "2.0.0", at("1.0.0", "stable"), "rollback")).toMatchObject({
      mode: "initial",
      plan: { kind: "recreate", to: { version: "1.0.0", slot: "stable" } },
    });
    expect(
      choose("none", "1.0.0", [...at("1.0.0", "stable"), ...at("1.0.0", "b", 1)], "rollback"),
    ).toMatchObject({
      mode: "remove",
      slots: ["b", "stable"],
    });
  });
});
