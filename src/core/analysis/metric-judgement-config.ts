/**
 * How one metric is judged, with Kayenta's NetflixACAJudge defaults (tolerance 0.25, confidence
 * 0.98, direction either) so that users coming from Spinnaker find the same behaviour.
 */
import type { NanStrategy, OutlierRemoval } from "./sample-preparation.js";

/** Which change of the canary fails the metric: a rise (latency, errors), a fall (throughput), or either. */
export type MetricDirection = "increase" | "decrease" | "either";

export interface MetricJudgementConfig {
  readonly name: string;
  /** Group whose weight the metric shares; metrics without one form the group "default". */
  readonly group: string;
  readonly direction: MetricDirection;
  readonly nanStrategy: NanStrategy;
  /** Drop outliers with Tukey's fences before comparing; undefined keeps every sample. */
  readonly outlierRemoval: OutlierRemoval | undefined;
  /** A critical metric that is not Pass fails the whole canary (score 0). */
  readonly critical: boolean;
  /** Without data, the metric counts as failed in its group instead of being left out. */
  readonly mustHaveData: boolean;
  /** The interval must clear tolerance * |estimate| on the failing side to classify High or Low. */
  readonly tolerance: number;
  /** Confidence level of the Hodges-Lehmann interval. */
  readonly confidence: number;
  /**
   * Optional effect-size gate on mean(canary) / mean(baseline), as Kayenta's `effectSize`
   * (meanRatio): High also needs ratio >= allowedIncrease, Low needs ratio <= allowedDecrease.
   */
  readonly allowedIncrease: number | undefined;
  readonly allowedDecrease: number | undefined;
}

export const METRIC_JUDGEMENT_DEFAULTS = {
  group: "default",
  direction: "either",
  nanStrategy: "remove",
  outlierRemoval: undefined,
  critical: false,
  mustHaveData: false,
  tolerance: 0.25,
  confidence: 0.98,
  allowedIncrease: undefined,
  allowedDecrease: undefined,
} as const satisfies Omit<MetricJudgementConfig, "name">;

/** A metric's judgement settings: the defaults overridden by what the caller gives. */
export function metricJudgementConfig(
  name: string,
  overrides: Partial<Omit<MetricJudgementConfig, "name">> = {},
): MetricJudgementConfig {
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  return { ...METRIC_JUDGEMENT_DEFAULTS, ...defined, name };
}
