import { describe, expect, it } from "vitest";
import type { CheckoutTransaction } from "./checkout-transaction.js";
import {
  classifyOutcome,
  failuresByCause,
  rollbackTimeline,
  type ServiceOutcome,
  summarizeDemo,
  weightShare,
} from "./demo-summary.js";

const ok = (at: number, versions: Record<string, string> = {}): CheckoutTransaction => ({
  startedAt: at,
  finishedAt: at + 5,
  ok: true,
  status: 200,
  versions,
});
const failed = (at: number, service: string, version: string): CheckoutTransaction => ({
  startedAt: at,
  finishedAt: at + 5,
  ok: false,
  status: 502,
  versions: {},
  failedAt: { service, version },
});

const upgraded: ServiceOutcome = {
  service: "catalog",
  from: "1.0.0",
  to: "2.0.0",
  finalWeights: { "2.0.0": 100 },
  samples: [
    { at: 0, weights: { "1.0.0": 100 } },
    { at: 1000, weights: { "1.0.0": 90, "2.0.0": 10 } },
    { at: 9000, weights: { "2.0.0": 100 } },
  ],
};
const rolledBack: ServiceOutcome = {
  service: "billing",
  from: "1.0.0",
  to: "2.0.0",
  finalWeights: { "1.0.0": 100, "2.0.0": 0 },
  samples: [
    { at: 0, weights: { "1.0.0": 100 } },
    { at: 1000, weights: { "1.0.0": 90, "2.0.0": 10 } },
    { at: 4000, weights: { "1.0.0": 90, "2.0.0": 10 } },
    { at: 6500, weights: { "1.0.0": 100, "2.0.0": 0 } },
    { at: 7000, weights: { "1.0.0": 100 } },
  ],
};

describe("demo summary", () => {
  it("reads shares from relative weights, absent versions having none", () => {
    expect(weightShare({ a: 90, b: 10 }, "b")).toBeCloseTo(0.1);
    expect(weightShare({ a: 3, b: 1 }, "a")).toBe(0.75);
    expect(weightShare({ a: 100 }, "b")).toBe(0);
    expect(weightShare({}, "a")).toBe(0);
  });

  it("calls a service upgraded only when all its traffic is on the target, rolled back only after the target took some", () => {
    expect(classifyOutcome(upgraded)).toBe("upgraded");
    expect(classifyOutcome(rolledBack)).toBe("rolledBack");
    const neverTried = { ...rolledBack, samples: [{ at: 0, weights: { "1.0.0": 100 } }] };
    expect(classifyOutcome(neverTried)).toBe("unfinished");
    const stuck = { ...upgraded, finalWeights: { "1.0.0": 50, "2.0.0": 50 } };
    expect(classifyOutcome(stuck)).toBe("unfinished");
  });

  it("measures from the first failure of the faulty version to the first sample without its traffic", () => {
    const tx = [ok(500), failed(1200, "billing", "2.0.0"), failed(2000, "billing", "2.0.0"), ok(3000)];
    const t = rollbackTimeline(rolledBack, tx);
    expect(t.exposedAt).toBe(1000);
    expect(t.firstFailureAt).toBe(1205);
    expect(t.trafficBackAt).toBe(6500);
    // A failure of another service or of the old version does not start the clock.
    const other = rollbackTimeline(rolledBack, [
      failed(800, "billing", "1.0.0"),
      failed(900, "catalog", "2.0.0"),
    ]);
    expect(other.firstFailureAt).toBeNull();
    expect(other.trafficBackAt).toBeNull();
  });

  it("summarizes upgraded and rolled-back services, failures inside the rollout, and the worst detection time", () => {
    const tx = [
      failed(-100, "storefront", "none (HTTP 503)"), // before the rollout: not counted
      ok(100),
      failed(1200, "billing", "2.0.0"),
      failed(3000, "billing", "2.0.0"),
      ok(7000),
      failed(20_000, "billing", "2.0.0"), // after the rollout ended: not counted
    ];
    const s = summarizeDemo([rolledBack, upgraded], tx, { start: 0, end: 10_000 });
    expect(s).toEqual({
      upgraded: ["catalog"],
      rolledBack: ["billing"],
      failedRequestsDuringRollout: 2,
      detectionToRollbackSeconds: 5.3,
    });
    expect(failuresByCause(tx)).toEqual({ "billing@2.0.0": 3, "storefront@none (HTTP 503)": 1 });
  });

  it("gives no detection time when nothing was rolled back, or when the fault never showed in traffic", () => {
    expect(summarizeDemo([upgraded], [ok(1)], { start: 0, end: 10 }).detectionToRollbackSeconds).toBeNull();
    expect(summarizeDemo([rolledBack], [ok(1)], { start: 0, end: 10 }).detectionToRollbackSeconds).toBeNull();
  });
});
