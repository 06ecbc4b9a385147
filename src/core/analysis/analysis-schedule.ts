/**
 * When each metric is measured, by Argo Rollouts' rules (argo-rollouts `analysis/analysis.go`,
 * `generateMetricTasks` and `calculateNextReconcileTime`): the first measurement once the
 * initialDelay has passed since the run started; the next one `interval` after the previous one
 * finished, or 10 s after an Error; none once the count is reached, the metric is final, or the
 * run is terminating.
 */
import {
  type AnalysisMetricSpec,
  DEFAULT_ERROR_RETRY_INTERVAL_MS,
  effectiveCount,
} from "./analysis-metric-spec.js";
import { type AnalysisState, isFinalPhase, metricResultOf } from "./analysis-state.js";
import { isTerminating } from "./assess-analysis.js";

/** When the metric should next be measured; undefined when it never should again. */
export function metricDueAt(metric: AnalysisMetricSpec, state: AnalysisState): number | undefined {
  const result = metricResultOf(state, metric.name);
  if (isFinalPhase(result.phase) || isTerminating(state)) return undefined;
  const last = result.measurements.at(-1);
  if (last === undefined) return state.startedAt + metric.initialDelayMs;
  const wanted = effectiveCount(metric);
  if (wanted !== undefined && result.count >= wanted && last.phase !== "Error") return undefined;
  if (last.phase === "Error") return last.finishedAt + DEFAULT_ERROR_RETRY_INTERVAL_MS;
  if (metric.intervalMs === undefined) return undefined;
  return last.finishedAt + metric.intervalMs;
}

/** The metrics to measure at `now`, in the analysis's order. */
export function dueMetrics(
  metrics: readonly AnalysisMetricSpec[],
  state: AnalysisState,
  now: number,
): readonly string[] {
  return metrics
    .filter((m) => {
      const due = metricDueAt(m, state);
      return due !== undefined && due <= now;
    })
    .map((m) => m.name);
}

/** The earliest time any metric is due; undefined when nothing will be measured again. */
export function nextMeasurementAt(
  metrics: readonly AnalysisMetricSpec[],
  state: AnalysisState,
): number | undefined {
  let next: number | undefined;
  for (const metric of metrics) {
    const due = metricDueAt(metric, state);
    if (due !== undefined && (next === undefined || due < next)) next = due;
  }
  return next;
}
