import type { CanaryJudgeConfig } from "../../core/analysis/canary-judge.js";
import { DEFAULT_SCORE_THRESHOLDS } from "../../core/analysis/canary-score.js";
import { metricJudgementConfig } from "../../core/analysis/metric-judgement-config.js";
import type { JudgedMetricDocument } from "../../core/analysis/verification-schema.js";

/** The judge's settings from a document's judged metrics and thresholds (Kayenta's defaults otherwise). */
export function judgeConfigOf(
  metrics: readonly JudgedMetricDocument[],
  options: {
    readonly pass?: number | undefined;
    readonly marginal?: number | undefined;
    readonly groupWeights?: Readonly<Record<string, number>> | undefined;
  },
): CanaryJudgeConfig {
  return {
    metrics: metrics.map((m) =>
      metricJudgementConfig(m.name, {
        group: m.group,
        direction: m.direction,
        tolerance: m.tolerance,
        confidence: m.confidence,
        critical: m.critical,
        mustHaveData: m.mustHaveData,
        nanStrategy: m.nanStrategy,
        allowedIncrease: m.effectSize?.allowedIncrease,
        allowedDecrease: m.effectSize?.allowedDecrease,
        outlierRemoval:
          m.outlierFactor === undefined ? undefined : { factor: m.outlierFactor, reduceSensitivity: true },
      }),
    ),
    groupWeights: options.groupWeights ?? {},
    thresholds: {
      pass: options.pass ?? DEFAULT_SCORE_THRESHOLDS.pass,
      marginal: options.marginal ?? DEFAULT_SCORE_THRESHOLDS.marginal,
    },
  };
}
