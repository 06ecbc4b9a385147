import { describe, expect, it } from "vitest";
import { beforeAfterWindows, judgeBeforeAfter } from "./before-after-baseline.js";
import { DEFAULT_SCORE_THRESHOLDS } from "./canary-score.js";
import { metricJudgementConfig } from "./metric-judgement-config.js";

describe("before/after baselines", () => {
  it("takes a window before the deploy as long as the one after it", () => {
    expect(beforeAfterWindows(10_000, 16_000, 1_000, 500)).toEqual({
      before: { start: 4_500, end: 9_500 },
      after: { start: 11_000, end: 16_000 },
    });
    expect(() => beforeAfterWindows(10_000, 10_500, 1_000)).toThrow(/empty/);
  });

  it("judges the samples after the deploy against those before it", () => {
    const before = { latency: Array.from({ length: 60 }, (_, i) => 100 + (i % 10)) };
    const slower = { latency: Array.from({ length: 60 }, (_, i) => 140 + (i % 10)) };
    const same = { latency: Array.from({ length: 60 }, (_, i) => 100 + ((i + 3) % 10)) };
    const config = {
      metrics: [metricJudgementConfig("latency", { direction: "increase" })],
      groupWeights: {},
      thresholds: DEFAULT_SCORE_THRESHOLDS,
    };
    const windows = beforeAfterWindows(60_000, 120_000);
    expect(judgeBeforeAfter(config, windows, before, slower).judgement).toMatchObject({ verdict: "Fail" });
    expect(judgeBeforeAfter(config, windows, before, same).judgement).toMatchObject({
      verdict: "Pass",
      score: 100,
    });
  });
});
