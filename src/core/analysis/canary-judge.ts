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
    classifyMetric(metric, samplesOf(baseline, metric.name), samplesOf(canary, metric.name)),
  );
  return judgementOf(config, metrics);
}

/** A side's samples of one metric; a metric the side does not mention has none. */
export function samplesOf(side: MetricSamples, name: string): ArrayLike<number | null> {
  return Object.hasOwn(side, name) ? side[name]! : [];
}

/**
 * The judgement of metrics classified elsewhere (another thread, say), given in the order of
 * `config.metrics`: the same score and verdict judgeCanary gives.
 */
export function judgementOf(config: CanaryJudgeConfig, metrics: readonly MetricVerdict[]): CanaryJudgement {
  return { ...scoreCanary(metrics, config.groupWeights, config.thresholds), metrics };
}

/**
 * Splits work items of the given sizes into `lanes` lanes of about equal total size, largest
 * first, each to the lane with the least so far (Graham's LPT rule: at most 4/3 of the best split).
 * Returns each item's lane; ties go to the lowest lane, so lane 0 (the caller's own thread) is
 * never left idle while another lane has work.
 */
export function balanceLanes(sizes: readonly number[], lanes: number): number[] {
  const laneOf = new Array<number>(sizes.length).fill(0);
  const load = new Array<number>(Math.max(1, lanes)).fill(0);
  const order = sizes.map((_, i) => i).sort((a, b) => sizes[b]! - sizes[a]! || a - b);
  for (const item of order) {
    let best = 0;
    for (let lane = 1; lane < load.length; lane++) if (load[lane]! < load[best]!) best = lane;
    laneOf[item] = best;
    load[best] = load[best]! + sizes[item]!;
  }
  return laneOf;
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
