/**
 * The statistical canary judge: every metric classified (classify-metric.ts), then scored
 * (canary-score.ts). Pure: the caller gathers the samples and decides what the verdict triggers.
 */
import { InputError } from "../errors/domain-error.js";
import { type CanaryScore, type ScoreThresholds, scoreCanary } from "./canary-score.js";
import { classifyMetric } from "./classify-metric.js";
import type { MetricJudgementConfig } from "./metric-judgement-config.js";
import type { MetricVerdict } from "./metric-verdict.js";

export interface CanaryJudgeConfig {
  readonly metrics: readonly MetricJudgementConfig[];
  readonly groupWeights: Readonly<Record<string, number>>;
  readonly thresholds: ScoreThresholds;
}

/** Per metric name, that side's samples; null stands for a missing value. */
export type MetricSamples = Readonly<Record<string, ArrayLike<number | null>>>;

export interface CanaryJudgement extends CanaryScore {
  readonly metrics: readonly MetricVerdict[];
}

/** Judges canary samples against baseline samples, metric by metric, into one scored verdict. */
export function judgeCanary(
  config: CanaryJudgeConfig,
  baseline: MetricSamples,
  canary: MetricSamples,
): CanaryJudgement {
  assertValidJudgeConfig(config);
  const metrics = config.metrics.map((metric) =>
    classifyMetric(
      metric,
      Object.hasOwn(baseline, metric.name) ? baseline[metric.name]! : [],
      Object.hasOwn(canary, metric.name) ? canary[metric.name]! : [],
    ),
  );
  return { ...scoreCanary(metrics, config.groupWeights, config.thresholds), metrics };
}

/** Throws an InputError naming every setting of the judge that cannot be used. */
export function assertValidJudgeConfig(config: CanaryJudgeConfig): void {
  const problems: string[] = [];
  if (config.metrics.length === 0) problems.push("there are no metrics to judge");
  const seen = new Set<string>();
  for (const m of config.metrics) {
    const where = `metric "${m.name}"`;
    if (m.name === "") problems.push("a metric has an empty name");
    if (seen.has(m.name)) problems.push(`${where} is listed twice`);
    seen.add(m.name);
    if (!(m.confidence > 0 && m.confidence < 1))
      problems.push(`${where}: confidence must be between 0 and 1 (exclusive), got ${m.confidence}`);
    if (!(m.tolerance >= 0 && Number.isFinite(m.tolerance)))
      problems.push(`${where}: tolerance must be a number >= 0, got ${m.tolerance}`);
    if (!["increase", "decrease", "either"].includes(m.direction))
      problems.push(`${where}: direction must be increase, decrease or either, got ${String(m.direction)}`);
    if (!["remove", "replace"].includes(m.nanStrategy))
      problems.push(`${where}: nanStrategy must be remove or replace, got ${String(m.nanStrategy)}`);
    if (
      m.outlierRemoval !== undefined &&
      !(m.outlierRemoval.factor > 0 && Number.isFinite(m.outlierRemoval.factor))
    ) {
      problems.push(`${where}: the outlier factor must be a number > 0, got ${m.outlierRemoval.factor}`);
    }
  }
  for (const [group, weight] of Object.entries(config.groupWeights)) {
    if (!(weight >= 0 && Number.isFinite(weight)))
      problems.push(`group "${group}": weight must be a number >= 0, got ${weight}`);
  }
  const { pass, marginal } = config.thresholds;
  if (!(marginal >= 0 && marginal <= pass && pass <= 100)) {
    problems.push(
      `thresholds must satisfy 0 <= marginal <= pass <= 100, got marginal ${marginal} and pass ${pass}`,
    );
  }
  if (problems.length > 0) {
    throw new InputError(
      "judge-config-invalid",
      `The canary judge settings cannot be used: ${problems.join("; ")}.`,
      { details: problems },
    );
  }
}
