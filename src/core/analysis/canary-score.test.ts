import { describe, expect, it } from "vitest";
import { DEFAULT_SCORE_THRESHOLDS, scoreCanary } from "./canary-score.js";
import type { MetricClassification, MetricVerdict } from "./metric-verdict.js";

const samples = { size: 10, received: 10, missing: 0, outliers: 0 };

function verdict(
  name: string,
  classification: MetricClassification,
  extra: { group?: string; critical?: boolean; mustHaveData?: boolean } = {},
): MetricVerdict {
  const common = {
    name,
    group: extra.group ?? "default",
    critical: extra.critical ?? false,
    mustHaveData: extra.mustHaveData ?? false,
    baseline: samples,
    canary: samples,
    reason: `${classification}: because`,
  };
  if (classification === "Nodata") return { ...common, kind: "missing-data", classification };
  return {
    ...common,
    kind: "compared",
    classification,
    u: 50,
    pValue: 0.5,
    estimate: 0,
    ci: [-1, 1],
    confidence: 0.98,
    bounds: [0, 0],
    meanRatio: 1,
  };
}

describe("scoreCanary", () => {
  it("scores the share of passing metrics and calls 100 a Pass", () => {
    const all = scoreCanary([verdict("a", "Pass"), verdict("b", "Pass")], {}, DEFAULT_SCORE_THRESHOLDS);
    expect(all).toMatchObject({ score: 100, verdict: "Pass" });
    const half = scoreCanary([verdict("a", "Pass"), verdict("b", "High")], {}, DEFAULT_SCORE_THRESHOLDS);
    expect(half).toMatchObject({ score: 50, verdict: "Fail" });
    expect(half.reason).toContain('"b" (High)');
  });

  it("forces 0 when a critical metric does not pass, whatever the others say", () => {
    const metrics = [
      ...Array.from({ length: 9 }, (_, i) => verdict(`ok${i}`, "Pass")),
      verdict("errors", "Low", { critical: true }),
    ];
    const result = scoreCanary(metrics, {}, DEFAULT_SCORE_THRESHOLDS);
    expect(result).toMatchObject({ score: 0, verdict: "Fail" });
    expect(result.reason).toContain('critical metric "errors" (Low)');
    expect(result.reason).toContain("it would be 90");
  });

  it("treats a critical metric without data as a critical failure", () => {
    const result = scoreCanary(
      [verdict("a", "Pass"), verdict("b", "Pass"), verdict("c", "Nodata", { critical: true })],
      {},
      DEFAULT_SCORE_THRESHOLDS,
    );
    expect(result.score).toBe(0);
  });

  it("forces 0 when half or more of the metrics have no data, but not when fewer do", () => {
    const half = scoreCanary([verdict("a", "Pass"), verdict("b", "Nodata")], {}, DEFAULT_SCORE_THRESHOLDS);
    expect(half).toMatchObject({ score: 0, verdict: "Fail" });
    expect(half.reason).toContain("1 of 2 metrics have no data");
    const third = scoreCanary(
      [verdict("a", "Pass"), verdict("b", "Pass"), verdict("c", "Nodata")],
      {},
      DEFAULT_SCORE_THRESHOLDS,
    );
    // A metric without data (and not required) is left out of its group: 2 of 2 counted pass.
    expect(third).toMatchObject({ score: 100, verdict: "Pass" });
  });

  it("counts a must-have-data metric without data as failed in its group", () => {
    const result = scoreCanary(
      [verdict("a", "Pass"), verdict("b", "Pass"), verdict("c", "Nodata", { mustHaveData: true })],
      {},
      DEFAULT_SCORE_THRESHOLDS,
    );
    expect(result.score).toBe(66.67);
    expect(result.reason).toContain('"c" (Nodata)');
  });

  it("weights groups: given weights as is, the rest of 100 shared by groups without one", () => {
    const metrics = [
      verdict("latency", "High", { group: "latency" }),
      verdict("errors", "Pass", { group: "errors" }),
      verdict("cpu", "Pass", { group: "saturation" }),
    ];
    // latency 0 (weight 60), errors 100 and saturation 100 share the remaining 40.
    expect(scoreCanary(metrics, { latency: 60 }, DEFAULT_SCORE_THRESHOLDS).score).toBe(40);
    expect(
      scoreCanary(metrics, { latency: 10, errors: 45, saturation: 45 }, DEFAULT_SCORE_THRESHOLDS).score,
    ).toBe(90);
    const groups = scoreCanary(metrics, { latency: 60 }, DEFAULT_SCORE_THRESHOLDS).groups;
    expect(groups.map((g) => [g.name, g.score, g.weight])).toEqual([
      ["latency", 0, 60],
      ["errors", 100, 20],
      ["saturation", 100, 20],
    ]);
  });

  it("classifies the score with the pass and marginal thresholds, bounds included", () => {
    const metrics = [verdict("a", "Pass", { group: "a" }), verdict("b", "High", { group: "b" })];
    const at = (weightA: number) =>
      scoreCanary(metrics, { a: weightA, b: 100 - weightA }, { pass: 90, marginal: 70 });
    expect(at(90)).toMatchObject({ score: 90, verdict: "Pass" });
    expect(at(89)).toMatchObject({ score: 89, verdict: "Marginal" });
    expect(at(70)).toMatchObject({ score: 70, verdict: "Marginal" });
    expect(at(69)).toMatchObject({ score: 69, verdict: "Fail" });
  });

  it("rounds the score to two decimals", () => {
    const metrics = [verdict("a", "Pass"), verdict("b", "Pass"), verdict("c", "Low")];
    expect(scoreCanary(metrics, {}, DEFAULT_SCORE_THRESHOLDS).score).toBe(66.67);
  });
});
