/**
 * Drives an analysis the way the engine will: at each due time, measure the due metrics through
 * their providers and record the measurements. The clock is simulated (jumps to the next due
 * time) while the providers are real, so a test covers hours of analysis in milliseconds.
 */
import type { AnalysisMetricSpec } from "../../src/core/analysis/analysis-metric-spec.js";
import { dueMetrics, nextMeasurementAt } from "../../src/core/analysis/analysis-schedule.js";
import { type AnalysisState, isFinalPhase, startAnalysis } from "../../src/core/analysis/analysis-state.js";
import { failedMeasurement, measuredValue } from "../../src/core/analysis/measurement.js";
import type { MetricProvider } from "../../src/core/analysis/metric-provider-port.js";
import { recordMeasurement } from "../../src/core/analysis/record-measurement.js";

export async function driveAnalysis(
  metrics: readonly AnalysisMetricSpec[],
  providers: Readonly<Record<string, MetricProvider>>,
  args: Readonly<Record<string, string>>,
  maxSteps = 100,
): Promise<AnalysisState> {
  let state = startAnalysis(metrics, 0);
  for (let step = 0; step < maxSteps && !isFinalPhase(state.phase); step++) {
    const now = nextMeasurementAt(metrics, state);
    if (now === undefined) break;
    for (const name of dueMetrics(metrics, state, now)) {
      const metric = metrics.find((m) => m.name === name)!;
      try {
        const value = await providers[name]!.measure({ args });
        state = recordMeasurement(metrics, state, name, measuredValue(metric, value, now, now + 1));
      } catch (error) {
        state = recordMeasurement(
          metrics,
          state,
          name,
          failedMeasurement((error as Error).message, now, now + 1),
        );
      }
    }
  }
  return state;
}
