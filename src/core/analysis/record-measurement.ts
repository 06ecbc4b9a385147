/**
 * Adds a finished measurement to an analysis and reassesses it, counting as Argo Rollouts'
 * `runMeasurements` does (argo-rollouts `analysis/analysis.go`): Successful, Failed and
 * Inconclusive add to `count` and reset `consecutiveError`; Error adds to `error` and
 * `consecutiveError` but not to `count`, so an erroring metric is retried, not counted.
 */
import { type AnalysisMetricSpec, MEASUREMENT_HISTORY_LIMIT } from "./analysis-metric-spec.js";
import { type AnalysisState, isFinalPhase, type MetricResult, metricResultOf } from "./analysis-state.js";
import { assessAnalysis } from "./assess-analysis.js";
import type { Measurement } from "./measurement.js";

/** The analysis after `measurement` of metric `name`; a final metric or run ignores late measurements. */
export function recordMeasurement(
  metrics: readonly AnalysisMetricSpec[],
  state: AnalysisState,
  name: string,
  measurement: Measurement,
): AnalysisState {
  const result = metricResultOf(state, name);
  if (isFinalPhase(result.phase) || isFinalPhase(state.phase)) return state;
  const updated: MetricResult = {
    ...counted(result, measurement),
    measurements: [...result.measurements, measurement].slice(-MEASUREMENT_HISTORY_LIMIT),
    phase: "Running",
    message: measurement.message,
  };
  return assessAnalysis(metrics, {
    ...state,
    metrics: state.metrics.map((m) => (m.name === name ? updated : m)),
  });
}

/** Ends the run at a person's or the engine's request; metrics still running count as Successful. */
export function terminateAnalysis(
  metrics: readonly AnalysisMetricSpec[],
  state: AnalysisState,
): AnalysisState {
  if (isFinalPhase(state.phase)) return state;
  return assessAnalysis(metrics, { ...state, terminated: true });
}

function counted(result: MetricResult, measurement: Measurement): MetricResult {
  switch (measurement.phase) {
    case "Successful":
      return { ...result, successful: result.successful + 1, count: result.count + 1, consecutiveError: 0 };
    case "Failed":
      return { ...result, failed: result.failed + 1, count: result.count + 1, consecutiveError: 0 };
    case "Inconclusive":
      return {
        ...result,
        inconclusive: result.inconclusive + 1,
        count: result.count + 1,
        consecutiveError: 0,
      };
    case "Error":
      return { ...result, error: result.error + 1, consecutiveError: result.consecutiveError + 1 };
    default:
      return assertNever(measurement.phase);
  }
}

function assertNever(value: never): never {
  throw new Error(`unexpected measurement phase ${String(value)}`);
}
