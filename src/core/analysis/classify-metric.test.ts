import { describe, expect, it } from "vitest";
import { classifyMetric } from "./classify-metric.js";
import { metricJudgementConfig } from "./metric-judgement-config.js";

// Deterministic "noise": a fixed spread of values around a centre.
const around = (centre: number, size = 40) =>
  Array.from({ length: size }, (_, i) => centre + ((i * 37) % 41) / 10 - 2);

describe("classifyMetric", () => {
  it("classifies a clear rise as High, with the statistics and a readable reason", () => {
    const v = classifyMetric(metricJudgementConfig("latency"), around(100), around(110));
    expect(v.classification).toBe("High");
    if (v.kind !== "compared") throw new Error("expected a comparison");
    expect(v.estimate).toBeCloseTo(10, 5);
    expect(v.ci[0]).toBeGreaterThan(0);
    expect(v.reason).toMatch(/^High: shift \+10 \(98% interval .* to .*\); the whole interval lies above/);
    expect(v.reason).toContain("40 baseline and 40 canary samples");
  });

  it("classifies a clear fall as Low and noise as Pass", () => {
    expect(classifyMetric(metricJudgementConfig("rps"), around(100), around(90)).classification).toBe("Low");
    expect(classifyMetric(metricJudgementConfig("rps"), around(100), around(100.1)).classification).toBe(
      "Pass",
    );
  });

  it("fails only the direction asked for", () => {
    const rise = [around(100), around(110)] as const;
    const fall = [around(100), around(90)] as const;
    const increase = metricJudgementConfig("errors", { direction: "increase" });
    const decrease = metricJudgementConfig("throughput", { direction: "decrease" });
    expect(classifyMetric(increase, ...rise).classification).toBe("High");
    const ignored = classifyMetric(increase, ...fall);
    expect(ignored.classification).toBe("Pass");
    expect(ignored.reason).toContain("a decrease, but only an increase fails this metric");
    expect(classifyMetric(decrease, ...fall).classification).toBe("Low");
    expect(classifyMetric(decrease, ...rise).classification).toBe("Pass");
  });

  it("passes when the interval does not clear tolerance * |estimate|", () => {
    // Shift 1 on a spread of 4: the interval is roughly [0.4, 1.6]; 0.25 * 1 = 0.25 is cleared, 0.5 * 1 is not.
    const baseline = around(100);
    const canary = around(101);
    expect(
      classifyMetric(metricJudgementConfig("m", { tolerance: 0.25 }), baseline, canary).classification,
    ).toBe("High");
    const tolerant = classifyMetric(metricJudgementConfig("m", { tolerance: 0.9 }), baseline, canary);
    expect(tolerant.classification).toBe("Pass");
    expect(tolerant.reason).toContain("does not lie beyond");
  });

  it("removes missing values or counts them as 0, as the NaN strategy says", () => {
    const baseline = [...around(10), null, Number.NaN];
    const canary = [...around(10), ...Array<null>(200).fill(null)];
    const removed = classifyMetric(metricJudgementConfig("m", { nanStrategy: "remove" }), baseline, canary);
    expect(removed.classification).toBe("Pass");
    expect(removed.canary).toMatchObject({ size: 40, received: 240, missing: 200 });
    const replaced = classifyMetric(metricJudgementConfig("m", { nanStrategy: "replace" }), baseline, canary);
    expect(replaced.canary.size).toBe(240);
    expect(replaced.classification).toBe("Low");
  });

  it("drops outliers with Tukey's fences when asked, which can change the verdict", () => {
    const baseline = around(10);
    const canary = [...around(10).slice(0, 37), 900, 1000, 1100];
    const kept = classifyMetric(metricJudgementConfig("m"), baseline, canary);
    const cleaned = classifyMetric(
      metricJudgementConfig("m", { outlierRemoval: { factor: 1.5, reduceSensitivity: false } }),
      baseline,
      canary,
    );
    expect(cleaned.canary).toMatchObject({ size: 37, outliers: 3 });
    expect(kept.canary.outliers).toBe(0);
    expect(cleaned.classification).toBe("Pass");
  });

  it("is Nodata when a side has nothing left, and says why", () => {
    const v = classifyMetric(metricJudgementConfig("m", { mustHaveData: true }), around(5), [null, null]);
    expect(v).toMatchObject({ kind: "missing-data", classification: "Nodata" });
    expect(v.reason).toBe(
      "Nodata: no canary samples (2 received, 2 missing removed); this metric must have data, so it counts as failed.",
    );
  });

  it("passes identical samples and samples that all hold one value", () => {
    const same = around(3);
    expect(classifyMetric(metricJudgementConfig("m"), same, [...same].reverse()).reason).toContain(
      "identical",
    );
    expect(classifyMetric(metricJudgementConfig("m"), [4, 4, 4], [4, 4]).reason).toContain(
      "every sample equals 4",
    );
  });

  it("applies the mean-ratio gate only when configured", () => {
    const gated = metricJudgementConfig("m", { allowedIncrease: 1.5 });
    const v = classifyMetric(gated, around(100), around(110));
    expect(v.classification).toBe("Pass");
    expect(v.reason).toContain("mean ratio 1.1 is within the allowed increase 1.5");
    expect(
      classifyMetric(metricJudgementConfig("m", { allowedIncrease: 1.05 }), around(100), around(110))
        .classification,
    ).toBe("High");
  });

  it("gives the same verdict whatever was judged before it (the sorted samples' buffers are reused)", () => {
    const wave = (size: number, centre: number) =>
      Float64Array.from({ length: size }, (_, i) => centre + ((i * 7919) % 1009) / 100);
    const small = [wave(600, 100), wave(700, 101)] as const;
    const large = [wave(5000, 50), wave(4000, 49)] as const;
    const config = metricJudgementConfig("latency", {
      outlierRemoval: { factor: 1.5, reduceSensitivity: false },
    });
    const first = classifyMetric(config, ...small);
    classifyMetric(config, ...large);
    expect(classifyMetric(config, ...small)).toEqual(first);
    classifyMetric(config, [3, 1, 2], [5, 4, 6]);
    expect(classifyMetric(config, ...small)).toEqual(first);
  });
});
