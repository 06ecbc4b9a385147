import { describe, expect, it } from "vitest";
import { InputError } from "../errors/domain-error.js";
import { balanceLanes, judgeCanary } from "./canary-judge.js";
import { DEFAULT_SCORE_THRESHOLDS } from "./canary-score.js";
import { metricJudgementConfig } from "./metric-judgement-config.js";

const spread = (centre: number) => Array.from({ length: 50 }, (_, i) => centre + ((i * 13) % 17) / 4);

describe("judgeCanary", () => {
  it("classifies every configured metric and scores the canary", () => {
    const result = judgeCanary(
      {
        metrics: [
          metricJudgementConfig("p95", { direction: "increase", group: "latency" }),
          metricJudgementConfig("errors", { direction: "increase", group: "errors", critical: true }),
          metricJudgementConfig("rps", { group: "traffic" }),
        ],
        groupWeights: { latency: 50, errors: 30, traffic: 20 },
        thresholds: DEFAULT_SCORE_THRESHOLDS,
      },
      { p95: spread(200), errors: spread(1), rps: spread(100) },
      { p95: spread(260), errors: spread(1), rps: spread(100) },
    );
    expect(result.metrics.map((m) => [m.name, m.classification])).toEqual([
      ["p95", "High"],
      ["errors", "Pass"],
      ["rps", "Pass"],
    ]);
    expect(result).toMatchObject({ score: 50, verdict: "Fail" });
  });

  it("treats a metric absent from the samples as Nodata", () => {
    const result = judgeCanary(
      {
        metrics: [metricJudgementConfig("a"), metricJudgementConfig("b"), metricJudgementConfig("c")],
        groupWeights: {},
        thresholds: DEFAULT_SCORE_THRESHOLDS,
      },
      { a: spread(1), b: spread(1) },
      { a: spread(1), b: spread(1) },
    );
    expect(result.metrics[2]?.classification).toBe("Nodata");
    expect(result.score).toBe(100);
  });

  it("refuses unusable settings, naming each one", () => {
    const judge = () =>
      judgeCanary(
        {
          metrics: [
            metricJudgementConfig("a", { confidence: 1.2 }),
            metricJudgementConfig("a", { tolerance: -1 }),
          ],
          groupWeights: { default: -5 },
          thresholds: { pass: 70, marginal: 90 },
        },
        {},
        {},
      );
    expect(judge).toThrow(InputError);
    expect(judge).toThrow(
      'The canary judge settings cannot be used: metric "a": confidence must be between 0 and 1 (exclusive), got 1.2; metric "a" is listed twice; metric "a": tolerance must be a number >= 0, got -1; group "default": weight must be a number >= 0, got -5; thresholds must satisfy 0 <= marginal <= pass <= 100, got marginal 90 and pass 70.',
    );
  });
});

describe("balanceLanes", () => {
  it("gives each item, largest first, to the lane with the least so far", () => {
    // 9 → lane 0; 7 → lane 1; 5 → lane 1 (7 < 9, now 12); 4 → lane 0 (9 < 12, now 13); 1 → lane 1.
    expect(balanceLanes([5, 9, 1, 7, 4], 2)).toEqual([1, 0, 1, 1, 0]);
  });

  it("keeps lane 0 busy on ties and never uses a lane past the count", () => {
    expect(balanceLanes([3, 3, 3], 3)).toEqual([0, 1, 2]);
    expect(balanceLanes([2, 2], 1)).toEqual([0, 0]);
    expect(balanceLanes([], 4)).toEqual([]);
    expect(balanceLanes([1, 1, 1, 1], 0)).toEqual([0, 0, 0, 0]);
  });

  it("splits equal metrics evenly between the caller and one worker", () => {
    const lanes = balanceLanes(new Array(20).fill(200_000), 2);
    expect(lanes.filter((l) => l === 0)).toHaveLength(10);
    expect(lanes.filter((l) => l === 1)).toHaveLength(10);
  });
});
