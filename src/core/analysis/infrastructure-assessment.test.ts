import { describe, expect, it } from "vitest";
import { assessInfrastructure, instanceFigures } from "./infrastructure-assessment.js";
import type { ProcessSample } from "./process-sample.js";

const sample = (i: number, over: Partial<ProcessSample> = {}): ProcessSample => ({
  instance: "stable/0",
  pid: 100,
  at: i * 1000,
  cpuSeconds: i * 0.25,
  memoryBytes: 80e6,
  openFiles: 20,
  ...over,
});

describe("infrastructure assessment", () => {
  it("derives CPU percent from the growth of CPU time, and restarts from pid changes", () => {
    const samples = [
      sample(0),
      sample(1),
      sample(2, { pid: 101, cpuSeconds: 0 }),
      sample(3, { pid: 101, cpuSeconds: 0.5 }),
    ];
    const f = instanceFigures(samples);
    expect(f.cpuPercent).toBeCloseTo(50, 6);
    expect(f.restarts).toBe(1);
    expect(instanceFigures([sample(0), sample(4)]).cpuPercent).toBeCloseTo(25, 6);
  });

  it("passes within bounds and names every crossed bound with its numbers", () => {
    const steady = { "stable/0": [0, 1, 2, 3, 4].map((i) => sample(i)) };
    expect(
      assessInfrastructure("infra", steady, { memoryBytes: { max: 100e6 }, openFiles: { max: 50 } }).kind,
    ).toBe("passed");
    const heavy = { "stable/0": [0, 1, 2].map((i) => sample(i, { openFiles: 900 })) };
    const out = assessInfrastructure("infra", heavy, { openFiles: { max: 512 }, restarts: { max: 0 } });
    expect(out.kind).toBe("failed");
    expect(out.message).toContain("openFiles 900 > max 512");
  });

  it("fails a leaking instance and explains the slope", () => {
    const leaking = {
      "canary/0": [0, 1, 2, 3, 4, 5].map((i) =>
        sample(i, { instance: "canary/0", memoryBytes: 80e6 + i * 2e6 }),
      ),
    };
    const out = assessInfrastructure("infra", leaking, { leak: { maxBytesPerSecond: 1e6 } });
    expect(out.kind).toBe("failed");
    expect(out.message).toMatch(/memory grows 2000000 B\/s > 1000000 B\/s over 6 samples/);
  });

  it("is an error, not a pass, without instances or with too few samples for the leak bound", () => {
    expect(assessInfrastructure("infra", {}, {}).kind).toBe("error");
    const short = { "stable/0": [sample(0), sample(1)] };
    expect(assessInfrastructure("infra", short, { leak: { maxBytesPerSecond: 1 } }).kind).toBe("error");
  });
});
