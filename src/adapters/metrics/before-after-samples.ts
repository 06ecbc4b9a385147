/**
 * Gathers the samples of a before/after comparison: every metric's samples in the window before
 * the deploy (the baseline) and in the equally long window after it, from their sample sources
 * (e.g. Prometheus range queries), ready for judgeBeforeAfter in the analysis core.
 */
import type { BeforeAfterWindows } from "../../core/analysis/before-after-baseline.js";
import type { MetricSamples } from "../../core/analysis/canary-judge.js";
import type { MeasurementContext, MetricSampleSource } from "../../core/analysis/metric-provider-port.js";

/** Every metric's samples before and after the deploy, queried in parallel. */
export async function collectBeforeAfterSamples(
  sources: Readonly<Record<string, MetricSampleSource>>,
  windows: BeforeAfterWindows,
  stepMs: number,
  context: MeasurementContext,
): Promise<{ readonly before: MetricSamples; readonly after: MetricSamples }> {
  const names = Object.keys(sources);
  const query = (window: BeforeAfterWindows["before"]) =>
    Promise.all(
      names.map((name) => sources[name]!.samples({ start: window.start, end: window.end, stepMs }, context)),
    );
  const [before, after] = await Promise.all([query(windows.before), query(windows.after)]);
  return {
    before: Object.fromEntries(names.map((name, i) => [name, before[i]!])),
    after: Object.fromEntries(names.map((name, i) => [name, after[i]!])),
  };
}
