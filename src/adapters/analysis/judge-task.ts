import type { MetricJudgementConfig } from "../../core/analysis/metric-judgement-config.js";
import type { MetricVerdict } from "../../core/analysis/metric-verdict.js";

/** The metrics one judge worker classifies for one judgement. */
export interface JudgeTask {
  readonly id: number;
  readonly metrics: readonly {
    readonly config: MetricJudgementConfig;
    readonly baseline: Float64Array;
    readonly canary: Float64Array;
  }[];
}

/** A worker's answer: the verdicts in the task's order, or why it could not give them. */
export type JudgeTaskResult =
  | { readonly id: number; readonly verdicts: readonly MetricVerdict[] }
  | { readonly id: number; readonly error: string };
