/**
 * What the verify handler and the judge-based analysis executor need from the world, as small
 * ports the server's composition root fills with adapters (src/server/verification-runtime.ts).
 * Each is optional: a check whose port is missing errors with a message naming what is missing.
 */
import type { CheckDocument, MetricProviderDocument } from "../../core/analysis/analysis-document-schema.js";
import type { CanaryJudgeConfig, CanaryJudgement, MetricSamples } from "../../core/analysis/canary-judge.js";
import type { Check } from "../../core/analysis/check-outcome.js";
import type { ChecklistTick } from "../../core/analysis/checklist-status.js";
import type { MetricProvider, MetricSampleSource } from "../../core/analysis/metric-provider-port.js";
import type { ProcessSample } from "../../core/analysis/process-sample.js";
import type { FiredTrigger } from "../../core/analysis/rollback-trigger.js";
import type { Instance } from "../../core/rollout/driver-port.js";
import type { StepContext } from "../../core/run/step-handler.js";
import type { VersionStats } from "../../core/traffic/version-stats.js";

export interface VerificationPorts {
  /** The adapter of a document check (synthetic-http, queues, sql-integrity, metric). */
  readonly createCheck?: (document: CheckDocument) => Check;
  readonly createMetricProvider?: (document: MetricProviderDocument) => MetricProvider;
  /** Range samples of a Prometheus query template, for the judge. */
  readonly createSampleSource?: (source: {
    readonly address: string;
    readonly query: string;
  }) => MetricSampleSource;
  /** The canary judge (judgeCanary on this thread when absent; the server spreads it over cores). */
  readonly judge?: (
    config: CanaryJudgeConfig,
    baseline: MetricSamples,
    canary: MetricSamples,
  ) => Promise<CanaryJudgement>;
  /** The builtin router's cumulative per-version stats of a service. */
  readonly routerStats?: (
    service: string,
    environment: string,
  ) => Promise<Readonly<Record<string, VersionStats>>>;
  /** The driver's instances of a service (pids for the process driver). */
  readonly instances?: (service: string, environment: string) => Promise<readonly Instance[]>;
  /** One reading of a local process (/proc); null when the pid is gone. */
  readonly readProcess?: (pid: number, instance: string, now: number) => Promise<ProcessSample | null>;
  /** Every tick of a step's manual checklist, oldest first. */
  readonly checklistTicks?: (runId: string, stepKey: string) => Promise<readonly ChecklistTick[]>;
  /**
   * Records a fired trigger on the run (event and audit) and, for `rollback`, starts the run's
   * rollback at once, the firing step's lease counted as released.
   */
  readonly fireTrigger?: (ctx: StepContext, fired: FiredTrigger) => Promise<void>;
  /** Waits between samples of a windowed check; resolves early when the signal aborts. */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** A sleep that ends early on abort. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done);
  });
}
