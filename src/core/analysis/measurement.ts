/**
 * One measurement of a metric and how its result becomes a phase. The rules are Argo Rollouts'
 * `EvaluateResult` (argo-rollouts `utils/evaluate/evaluate.go`):
 * - no conditions: Successful;
 * - only a successCondition: Failed when it is false;
 * - only a failureCondition: Successful when it is false;
 * - both: Failed when the failure condition holds, Inconclusive when neither holds;
 * - a condition that cannot be evaluated: Error.
 */
import type { AnalysisMetricSpec } from "./analysis-metric-spec.js";
import { evaluateCondition } from "./condition-evaluator.js";
import type { MetricValue } from "./metric-value.js";

export type MeasurementPhase = "Successful" | "Failed" | "Inconclusive" | "Error";

export interface Measurement {
  readonly phase: MeasurementPhase;
  /** What the provider returned; null when the provider failed. */
  readonly value: MetricValue;
  readonly startedAt: number;
  readonly finishedAt: number;
  readonly message: string;
}

/** The phase a result gives under the metric's conditions, with a message a person can read. */
export function evaluateMeasurement(
  metric: Pick<AnalysisMetricSpec, "successCondition" | "failureCondition">,
  result: MetricValue,
): { readonly phase: MeasurementPhase; readonly message: string } {
  const judge = (condition: AnalysisMetricSpec["successCondition"]) =>
    condition === undefined ? undefined : evaluateCondition(condition, result);
  const success = judge(metric.successCondition);
  const failure = judge(metric.failureCondition);
  if (success?.kind === "error") return { phase: "Error", message: success.message };
  if (failure?.kind === "error") return { phase: "Error", message: failure.message };
  if (success === undefined && failure === undefined)
    return { phase: "Successful", message: "no conditions" };
  const succeeded = success !== undefined ? success.value : !(failure?.value ?? false);
  const failed = failure !== undefined ? failure.value : !succeeded;
  const named = (label: string, c: AnalysisMetricSpec["successCondition"]) => `${label} "${c?.source}"`;
  if (failed) {
    return {
      phase: "Failed",
      message:
        failure !== undefined
          ? `${named("failureCondition", metric.failureCondition)} is true`
          : `${named("successCondition", metric.successCondition)} is false`,
    };
  }
  if (!succeeded) {
    return {
      phase: "Inconclusive",
      message: `neither ${named("successCondition", metric.successCondition)} nor ${named("failureCondition", metric.failureCondition)} holds`,
    };
  }
  return {
    phase: "Successful",
    message:
      success !== undefined
        ? `${named("successCondition", metric.successCondition)} is true`
        : `${named("failureCondition", metric.failureCondition)} is false`,
  };
}

/** A measurement from a provider's result, judged by the metric's conditions. */
export function measuredValue(
  metric: AnalysisMetricSpec,
  value: MetricValue,
  startedAt: number,
  finishedAt: number,
): Measurement {
  return { ...evaluateMeasurement(metric, value), value, startedAt, finishedAt };
}

/** A measurement whose provider failed (unreachable, bad answer, timeout): an Error. */
export function failedMeasurement(message: string, startedAt: number, finishedAt: number): Measurement {
  return { phase: "Error", value: null, startedAt, finishedAt, message };
}
