/**
 * A check from a metric provider and conditions, for business KPIs and thresholds: the KPI is
 * measured once and judged like an analysis measurement (measurement.ts). Successful passes,
 * Failed fails, Error and Inconclusive are errors of the check (it could not decide).
 */

import type { AnalysisMetricSpec } from "../../core/analysis/analysis-metric-spec.js";
import type { Check, CheckOutcome } from "../../core/analysis/check-outcome.js";
import { evaluateMeasurement } from "../../core/analysis/measurement.js";
import type { MetricProvider } from "../../core/analysis/metric-provider-port.js";

export interface MetricCheckOptions {
  readonly name: string;
  readonly provider: MetricProvider;
  readonly metric: Pick<AnalysisMetricSpec, "successCondition" | "failureCondition">;
  readonly args?: Readonly<Record<string, string>> | undefined;
}

/** A check measuring the provider once and judging the value by the conditions. */
export function metricCheck(options: MetricCheckOptions): Check {
  return {
    kind: `${options.provider.kind}-metric`,
    name: options.name,
    async run(signal?: AbortSignal): Promise<CheckOutcome> {
      let value: Awaited<ReturnType<MetricProvider["measure"]>>;
      try {
        value = await options.provider.measure({ args: options.args ?? {}, signal });
      } catch (error) {
        return { kind: "error", message: `${options.name}: ${(error as Error).message}`, evidence: {} };
      }
      const { phase, message } = evaluateMeasurement(options.metric, value);
      const text = `${options.name}: ${message}`;
      switch (phase) {
        case "Successful":
          return { kind: "passed", message: text, evidence: { result: value } };
        case "Failed":
          return { kind: "failed", message: text, evidence: { result: value } };
        case "Inconclusive":
        case "Error":
          return { kind: "error", message: text, evidence: { result: value } };
        default:
          return assertNever(phase);
      }
    },
  };
}

function assertNever(value: never): never {
  throw new Error(`unexpected phase ${String(value)}`);
}
