/**
 * The phase of each metric and of the whole run, by Argo Rollouts' rules (argo-rollouts
 * `analysis/analysis.go`: `assessMetricStatus`, `assessMetricFailureInconclusiveOrError`,
 * `assessRunStatus`; `utils/analysis/helpers.go`: `IsTerminating`, `IsWorse`):
 *
 * - a metric without measurements is Pending (Successful when the run is terminating);
 * - failed > failureLimit: Failed; inconclusive > inconclusiveLimit: Inconclusive;
 *   consecutiveError > consecutiveErrorLimit: Error (checked in this order, the last that holds
 *   wins, as in Argo);
 * - count reached: Successful; otherwise Running, or Successful when the run is terminating;
 * - a run terminates when it is terminated or when a metric that is not dry-run ended Failed,
 *   Error or Inconclusive; then the run takes the worst phase of its non-dry-run metrics;
 * - otherwise the run is Running until every metric is final, then takes the worst phase, with
 *   Successful < Pending < Running < Inconclusive < Error < Failed. Dry-run metrics never decide.
 */
import { type AnalysisMetricSpec, effectiveCount } from "./analysis-metric-spec.js";
import {
  type AnalysisPhase,
  type AnalysisState,
  type AnalysisSummary,
  EMPTY_SUMMARY,
  isFinalPhase,
  type MetricResult,
  metricResultOf,
} from "./analysis-state.js";

const SEVERITY: readonly AnalysisPhase[] = [
  "Successful",
  "Pending",
  "Running",
  "Inconclusive",
  "Error",
  "Failed",
];

/** Whether `next` is worse than `current` (Argo's IsWorse). */
export function isWorsePhase(current: AnalysisPhase, next: AnalysisPhase): boolean {
  return SEVERITY.indexOf(next) > SEVERITY.indexOf(current);
}

/** Whether the run stops taking measurements (Argo's IsTerminating). */
export function isTerminating(state: AnalysisState): boolean {
  return (
    state.terminated ||
    state.metrics.some(
      (m) => !m.dryRun && (m.phase === "Failed" || m.phase === "Error" || m.phase === "Inconclusive"),
    )
  );
}

/** Failed, Inconclusive or Error with the reason when a limit is exceeded, else undefined. */
export function exceededLimit(
  metric: AnalysisMetricSpec,
  result: MetricResult,
): { readonly phase: AnalysisPhase; readonly message: string } | undefined {
  let verdict: { phase: AnalysisPhase; message: string } | undefined;
  if (result.failed > metric.failureLimit)
    verdict = {
      phase: "Failed",
      message: `failed (${result.failed}) > failureLimit (${metric.failureLimit})`,
    };
  if (result.inconclusive > metric.inconclusiveLimit) {
    verdict = {
      phase: "Inconclusive",
      message: `inconclusive (${result.inconclusive}) > inconclusiveLimit (${metric.inconclusiveLimit})`,
    };
  }
  if (result.consecutiveError > metric.consecutiveErrorLimit) {
    verdict = {
      phase: "Error",
      message: `consecutiveErrors (${result.consecutiveError}) > consecutiveErrorLimit (${metric.consecutiveErrorLimit})`,
    };
  }
  return verdict;
}

/** A metric's phase and the reason for it. */
export function assessMetric(
  metric: AnalysisMetricSpec,
  result: MetricResult,
  terminating: boolean,
): { readonly phase: AnalysisPhase; readonly message: string } {
  if (isFinalPhase(result.phase)) return { phase: result.phase, message: result.message };
  if (result.measurements.length === 0)
    return terminating
      ? { phase: "Successful", message: "run terminated" }
      : { phase: "Pending", message: "" };
  const exceeded = exceededLimit(metric, result);
  if (exceeded !== undefined) return exceeded;
  const wanted = effectiveCount(metric);
  if (wanted !== undefined && result.count >= wanted)
    return { phase: "Successful", message: `count (${wanted}) reached` };
  return terminating ? { phase: "Successful", message: "run terminated" } : { phase: "Running", message: "" };
}

/** Recomputes every metric's phase and the run's phase, summary and message. */
export function assessAnalysis(metrics: readonly AnalysisMetricSpec[], state: AnalysisState): AnalysisState {
  const terminating = isTerminating(state);
  const results = metrics.map((metric) => {
    const result = metricResultOf(state, metric.name);
    const { phase, message } = assessMetric(metric, result, terminating);
    return phase === result.phase ? result : { ...result, phase, message };
  });
  let worst: AnalysisPhase | undefined;
  let worstMessage = state.terminated ? "run terminated" : "";
  let everythingFinal = true;
  let summary = { ...EMPTY_SUMMARY, count: results.filter((r) => !r.dryRun).length };
  let dryRunSummary = { ...EMPTY_SUMMARY, count: results.length - summary.count };
  for (const result of results) {
    if (!isFinalPhase(result.phase)) {
      everythingFinal = false;
      continue;
    }
    if (result.dryRun) {
      dryRunSummary = tally(dryRunSummary, result.phase);
      worst ??= "Successful";
      continue;
    }
    summary = tally(summary, result.phase);
    if (worst === undefined || isWorsePhase(worst, result.phase)) {
      worst = result.phase;
      if (result.phase !== "Successful")
        worstMessage = `metric "${result.name}" assessed ${result.phase}: ${result.message}`;
    }
  }
  // Argo's run is Running from its first assessment until every metric is final, even while a
  // metric still waits for its initialDelay.
  const phase: AnalysisPhase = terminating
    ? (worst ?? "Successful")
    : everythingFinal && worst !== undefined
      ? worst
      : "Running";
  const next = {
    ...state,
    metrics: results,
    phase,
    message: phase === "Running" || phase === "Pending" ? "" : worstMessage,
    summary,
    dryRunSummary,
  };
  // A metric that just ended Failed, Error or Inconclusive terminates the run; Argo sees that on
  // its next reconcile, we assess once more at once so the run ends with the measurement.
  return !terminating && isTerminating(next) ? assessAnalysis(metrics, next) : next;
}

function tally(summary: AnalysisSummary, phase: AnalysisPhase): AnalysisSummary {
  switch (phase) {
    case "Failed":
      return { ...summary, failed: summary.failed + 1 };
    case "Error":
      return { ...summary, error: summary.error + 1 };
    case "Inconclusive":
      return { ...summary, inconclusive: summary.inconclusive + 1 };
    case "Successful":
    case "Pending":
    case "Running":
      return { ...summary, successful: summary.successful + 1 };
    default:
      return assertNever(phase);
  }
}

function assertNever(value: never): never {
  throw new Error(`unexpected phase ${String(value)}`);
}
