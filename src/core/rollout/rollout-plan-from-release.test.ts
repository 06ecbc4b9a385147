import { describe, expect, it } from "vitest";
import { otherSlot, rolloutPlanFromRelease } from "./rollout-plan-from-release.js";

const sides = {
  current: { version: "1.0.0", slot: "blue" },
  target: { version: "2.0.0", slot: "green" },
  replicas: 2,
};

describe("rolloutPlanFromRelease", () => {
  it("reads a Release canary with durations in seconds", () => {
    const plan = rolloutPlanFromRelease(
      {
        canary: {
          steps: [
            { setHeaderRoute: { header: "x-tester", value: "yes" } },
            { setWeight: 10 },
            { pause: { duration: "1m30s" } },
            { pause: {} },
            { analysis: { interval: "30s", count: 4 } },
          ],
        },
      },
      sides,
    );
    expect(plan).toEqual({
      kind: "canary",
      stable: sides.current,
      canary: sides.target,
      replicas: 2,
      steps: [
        { kind: "setHeaderRoute", header: "x-tester", value: "yes" },
        { kind: "setWeight", weight: 10 },
        { kind: "pause", seconds: 90 },
        { kind: "pause" },
        { kind: "analysis", intervalSeconds: 30, count: 4 },
      ],
    });
  });

  it("fills blue-green and rolling defaults, and rolls one at a time when no strategy is named", () => {
    expect(rolloutPlanFromRelease({ blueGreen: { scaleDownDelay: "PT5M" } }, sides)).toMatchObject({
      kind: "blueGreen",
      previewChecks: [],
      scaleDownDelaySeconds: 300,
    });
    expect(rolloutPlanFromRelease(undefined, sides)).toMatchObject({
      kind: "rolling",
      batchSize: 1,
      maxUnavailable: 0,
    });
    expect(otherSlot("blue")).toBe("green");
    expect(otherSlot("stable")).toBe("canary");
    expect(otherSlot("canary")).toBe("stable");
  });
});
