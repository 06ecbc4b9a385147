import { describe, expect, it } from "vitest";
import { InputError } from "../errors/domain-error.js";
import { judgeCanary } from "./canary-judge.js";
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
