/**
 * The composition root of verification: the ports of the verify handler and the judge-based
 * analysis executor (src/engine/analysis), filled with the check and metric adapters, /proc, the
 * store's checklist ticks, and a trigger sink that records the trigger and starts the rollback.
 */
import { JudgeWorkers } from "../adapters/analysis/judge-workers.js";
import { createCheck } from "../adapters/checks/create-check.js";
import { readProcProcess } from "../adapters/infra/proc-process-reader.js";
import { createMetricProvider } from "../adapters/metrics/create-metric-provider.js";
import { prometheusProvider } from "../adapters/metrics/prometheus/prometheus-provider.js";
import type { Instance } from "../core/rollout/driver-port.js";
import type { RolloutAnalysisExecutor } from "../core/rollout/rollout-analysis-port.js";
import type { TrafficRouter } from "../core/traffic/traffic-router.js";
import { judgeAnalysisExecutor } from "../engine/analysis/judge-analysis-executor.js";
import type { VerificationPorts } from "../engine/analysis/verification-ports.js";
import type { Store } from "../store/store.js";

export interface VerificationOptions {
  /** The traffic router of an environment, for the builtin router's per-version series. */
  readonly router?: (environment: string) => TrafficRouter | undefined | Promise<TrafficRouter | undefined>;
  /** The driver's instances of a service (pids of the process driver for /proc). */
  readonly instances?: (service: string, environment: string) => Promise<readonly Instance[]>;
  readonly clock?: () => number;
}

/**
 * One pool of judge threads per process: the cores are the process's to share. Its idle workers
 * do not keep the process alive, so nothing needs to close it.
 */
let judgeWorkers: JudgeWorkers | undefined;

/** The ports with every adapter this process has. */
export function verificationPorts(store: Store, options: VerificationOptions = {}): VerificationPorts {
  const clock = options.clock ?? Date.now;
  const routerOf = options.router;
  return {
    createCheck,
    createMetricProvider,
    createSampleSource: (source) => prometheusProvider({ address: source.address, query: source.query }),
    judge: (config, baseline, canary) => {
      judgeWorkers ??= new JudgeWorkers();
      return judgeWorkers.judge(config, baseline, canary);
    },
    ...(routerOf !== undefined
      ? {
          routerStats: async (service: string, environment: string) => {
            const router = await routerOf(environment);
            if (router === undefined) throw new Error(`environment ${environment} has no traffic router`);
            return (await router.observe(service)).stats;
          },
        }
      : {}),
    ...(options.instances !== undefined ? { instances: options.instances } : {}),
    readProcess: (pid, instance, now) => readProcProcess(pid, instance, now),
    checklistTicks: (runId, stepKey) => store.verification.ticks(runId, stepKey),
    fireTrigger: async (ctx, fired) => {
      const now = clock();
      await store.verification.recordTrigger(ctx.runId, ctx.key, fired, now);
      if (fired.action === "rollback")
        await store.runs.signal(
          ctx.runId,
          { kind: "abort", by: `trigger/${fired.trigger}`, reason: fired.reason },
          now,
          { releasedStepId: ctx.stepId },
        );
    },
  };
}

/** The judge-based executor for the rollout handler's `runAnalysis` and `runChecks` actions. */
export function createAnalysisExecutor(
  store: Store,
  options: VerificationOptions = {},
): RolloutAnalysisExecutor {
  return judgeAnalysisExecutor(verificationPorts(store, options));
}
