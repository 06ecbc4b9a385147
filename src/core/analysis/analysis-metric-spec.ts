/**
 * One metric of an analysis, with Argo Rollouts' settings and defaults (`Metric` in argo-rollouts
 * `pkg/apis/rollouts/v1alpha1/analysis_types.go`), so that users bring their AnalysisTemplates'
 * habits: interval, count, initialDelay, successCondition / failureCondition, failureLimit and
 * inconclusiveLimit (default 0), consecutiveErrorLimit (default 4) and dryRun.
 */
import { InputError } from "../errors/domain-error.js";
import type { ParsedCondition } from "./condition-ast.js";
import { parseCondition } from "./condition-parser.js";

/** Argo's `DefaultConsecutiveErrorLimit` (argo-rollouts `analysis/analysis.go`). */
export const DEFAULT_CONSECUTIVE_ERROR_LIMIT = 4;
/** Argo's `DefaultErrorRetryInterval`: after an Error the metric is measured again this soon. */
export const DEFAULT_ERROR_RETRY_INTERVAL_MS = 10_000;
/** Argo's `DefaultMeasurementHistoryLimit`: measurements kept per metric. */
export const MEASUREMENT_HISTORY_LIMIT = 10;

export interface AnalysisMetricSpec {
  readonly name: string;
  /** Time between measurements; undefined measures once (unless an Error asks for a retry). */
  readonly intervalMs: number | undefined;
  /** Measurements to take; undefined with an interval measures until the analysis is terminated. */
  readonly count: number | undefined;
  readonly initialDelayMs: number;
  readonly successCondition: ParsedCondition | undefined;
  readonly failureCondition: ParsedCondition | undefined;
  /** The metric fails when more than this many measurements failed. */
  readonly failureLimit: number;
  readonly inconclusiveLimit: number;
  readonly consecutiveErrorLimit: number;
  /** A dry-run metric is measured and reported but never decides the analysis. */
  readonly dryRun: boolean;
}

export interface AnalysisMetricInput {
  readonly name: string;
  readonly intervalMs?: number | undefined;
  readonly count?: number | undefined;
  readonly initialDelayMs?: number | undefined;
  readonly successCondition?: string | undefined;
  readonly failureCondition?: string | undefined;
  readonly failureLimit?: number | undefined;
  readonly inconclusiveLimit?: number | undefined;
  readonly consecutiveErrorLimit?: number | undefined;
  readonly dryRun?: boolean | undefined;
}

/**
 * Argo's `EffectiveCount`: without count and interval a metric is measured once; with only an
 * interval it runs until terminated (undefined).
 */
export function effectiveCount(metric: AnalysisMetricSpec): number | undefined {
  if (metric.count === undefined || metric.count === 0)
    return metric.intervalMs === undefined ? 1 : undefined;
  return metric.count;
}

/** Checks a metric's settings and parses its conditions, or throws an InputError listing every problem. */
export function analysisMetricSpec(input: AnalysisMetricInput): AnalysisMetricSpec {
  const problems: string[] = [];
  const where = `metric "${input.name}"`;
  if (input.name.trim() === "") problems.push("a metric has an empty name");
  const count = (label: string, v: number | undefined, min: number) => {
    if (v !== undefined && !(Number.isInteger(v) && v >= min))
      problems.push(`${where}: ${label} must be a whole number >= ${min}, got ${v}`);
  };
  count("count", input.count, 0);
  count("failureLimit", input.failureLimit, 0);
  count("inconclusiveLimit", input.inconclusiveLimit, 0);
  count("consecutiveErrorLimit", input.consecutiveErrorLimit, 0);
  if (input.intervalMs !== undefined && !(input.intervalMs > 0 && Number.isFinite(input.intervalMs)))
    problems.push(`${where}: interval must be a positive duration, got ${input.intervalMs} ms`);
  if (
    input.initialDelayMs !== undefined &&
    !(input.initialDelayMs >= 0 && Number.isFinite(input.initialDelayMs))
  )
    problems.push(`${where}: initialDelay must be a duration >= 0, got ${input.initialDelayMs} ms`);
  // The same consistency rules as argo-rollouts `utils/analysis/helpers.go` ValidateMetric.
  if ((input.count ?? 0) > 1 && input.intervalMs === undefined)
    problems.push(`${where}: interval must be given when count is more than 1`);
  if (input.count !== undefined && input.count > 0 && input.count < (input.failureLimit ?? 0))
    problems.push(`${where}: count (${input.count}) must be >= failureLimit (${input.failureLimit})`);
  if (input.count !== undefined && input.count > 0 && input.count < (input.inconclusiveLimit ?? 0))
    problems.push(
      `${where}: count (${input.count}) must be >= inconclusiveLimit (${input.inconclusiveLimit})`,
    );
  const condition = (label: string, text: string | undefined): ParsedCondition | undefined => {
    if (text === undefined || text.trim() === "") return undefined;
    try {
      return parseCondition(text);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      problems.push(`${where}: ${label}: ${error.message}`);
      return undefined;
    }
  };
  const successCondition = condition("successCondition", input.successCondition);
  const failureCondition = condition("failureCondition", input.failureCondition);
  if (problems.length > 0)
    throw new InputError("analysis-metric-invalid", problems.join("; "), { details: problems });
  return {
    name: input.name,
    intervalMs: input.intervalMs,
    count: input.count,
    initialDelayMs: input.initialDelayMs ?? 0,
    successCondition,
    failureCondition,
    failureLimit: input.failureLimit ?? 0,
    inconclusiveLimit: input.inconclusiveLimit ?? 0,
    consecutiveErrorLimit: input.consecutiveErrorLimit ?? DEFAULT_CONSECUTIVE_ERROR_LIMIT,
    dryRun: input.dryRun ?? false,
  };
}
