/**
 * The outcome of judging one metric: its classification (Pass, High, Low, Nodata, as Kayenta's
 * NetflixACAJudge names them), the statistics it rests on, and a reason a person can read.
 */
import type { PreparedSamples } from "./sample-preparation.js";

export type MetricClassification = "Pass" | "High" | "Low" | "Nodata";

interface SampleSummary {
  /** Samples compared after cleaning. */
  readonly size: number;
  readonly received: number;
  readonly missing: number;
  readonly outliers: number;
}

interface VerdictCommon {
  readonly name: string;
  readonly group: string;
  readonly critical: boolean;
  readonly mustHaveData: boolean;
  readonly baseline: SampleSummary;
  readonly canary: SampleSummary;
  readonly reason: string;
}

/** Both sides had data: the test ran (or the samples were identical) and classified the metric. */
export interface ComparedMetric extends VerdictCommon {
  readonly kind: "compared";
  readonly classification: "Pass" | "High" | "Low";
  readonly u: number;
  readonly pValue: number;
  /** Hodges-Lehmann estimate of canary - baseline. */
  readonly estimate: number;
  readonly ci: readonly [number, number];
  readonly confidence: number;
  /** The interval had to lie beyond these (-tolerance*|estimate|, +tolerance*|estimate|) to fail. */
  readonly bounds: readonly [number, number];
  /** mean(canary) / mean(baseline); null when the baseline mean is 0. */
  readonly meanRatio: number | null;
}

/** One side had no samples left: nothing could be compared. */
export interface MissingDataMetric extends VerdictCommon {
  readonly kind: "missing-data";
  readonly classification: "Nodata";
}

export type MetricVerdict = ComparedMetric | MissingDataMetric;

/** Counts of one side's samples for a verdict. */
export function sampleSummary(prepared: PreparedSamples): SampleSummary {
  return {
    size: prepared.sorted.length,
    received: prepared.received,
    missing: prepared.missing,
    outliers: prepared.outliers,
  };
}
