/**
 * The state of one analysis run: per metric, its counters and recent measurements, and the phase
 * of the whole run, as Argo Rollouts' `AnalysisRunStatus` / `MetricResult` keep them. Values are
 * readonly; record-measurement.ts and assess-analysis.ts return new states.
 */
import { InputError } from "../errors/domain-error.js";
import type { AnalysisMetricSpec } from "./analysis-metric-spec.js";
import type { Measurement } from "./measurement.js";

/**
 * Argo's `AnalysisPhase`. Successful, Failed, Inconclusive and Error are final. Inconclusive
 * pauses for a person (promote or abort); Failed and Error trigger a rollback.
 */
export type AnalysisPhase = "Pending" | "Running" | "Successful" | "Failed" | "Inconclusive" | "Error";

export const FINAL_ANALYSIS_PHASES: readonly AnalysisPhase[] = [
  "Successful",
  "Failed",
  "Inconclusive",
  "Error",
];

/** Whether a phase is final (Argo's `AnalysisPhase.Completed()`). */
export function isFinalPhase(phase: AnalysisPhase): boolean {
  return FINAL_ANALYSIS_PHASES.includes(phase);
}

export interface MetricResult {
  readonly name: string;
  readonly phase: AnalysisPhase;
  readonly dryRun: boolean;
  /** Measurements that completed without Error (Argo counts Error apart from count). */
  readonly count: number;
  readonly successful: number;
  readonly failed: number;
  readonly inconclusive: number;
  readonly error: number;
  readonly consecutiveError: number;
  /** The most recent measurements, oldest first. */
  readonly measurements: readonly Measurement[];
  /** Why the metric is in its phase, e.g. "failed (2) > failureLimit (1)". */
  readonly message: string;
}

export interface AnalysisSummary {
  readonly count: number;
  readonly successful: number;
  readonly failed: number;
  readonly inconclusive: number;
  readonly error: number;
}

export interface AnalysisState {
  readonly startedAt: number;
  /** Set when a person or the engine ends the run; metrics still running then count as Successful. */
  readonly terminated: boolean;
  readonly phase: AnalysisPhase;
  readonly message: string;
  readonly metrics: readonly MetricResult[];
  /** Final metrics that decide the run, and those in dry-run, by phase. */
  readonly summary: AnalysisSummary;
  readonly dryRunSummary: AnalysisSummary;
}

export const EMPTY_SUMMARY: AnalysisSummary = {
  count: 0,
  successful: 0,
  failed: 0,
  inconclusive: 0,
  error: 0,
};

/** A new analysis run started at `now`, no metric measured yet; throws without metrics or with a name twice. */
export function startAnalysis(metrics: readonly AnalysisMetricSpec[], now: number): AnalysisState {
  const names = metrics.map((m) => m.name);
  const twice = names.filter((n, i) => names.indexOf(n) !== i);
  if (metrics.length === 0 || twice.length > 0) {
    throw new InputError(
      "analysis-invalid",
      metrics.length === 0
        ? "an analysis needs at least one metric"
        : `metric names must be unique: ${[...new Set(twice)].join(", ")} given twice`,
    );
  }
  return {
    startedAt: now,
    terminated: false,
    phase: "Pending",
    message: "",
    metrics: metrics.map((m) => ({
      name: m.name,
      phase: "Pending",
      dryRun: m.dryRun,
      count: 0,
      successful: 0,
      failed: 0,
      inconclusive: 0,
      error: 0,
      consecutiveError: 0,
      measurements: [],
      message: "",
    })),
    summary: EMPTY_SUMMARY,
    dryRunSummary: EMPTY_SUMMARY,
  };
}

/** The metric's result by name; throws when the analysis has no such metric (a caller's mistake). */
export function metricResultOf(state: AnalysisState, name: string): MetricResult {
  const result = state.metrics.find((m) => m.name === name);
  if (result === undefined) throw new Error(`the analysis has no metric named "${name}"`);
  return result;
}
