import { DriverError } from "../../core/rollout/driver-error.js";
import type { Instance } from "../../core/rollout/driver-port.js";
import { type RolloutAction, routeMatch } from "../../core/rollout/rollout-action.js";
import type { RolloutAnalysisExecutor } from "../../core/rollout/rollout-analysis-port.js";
import type { StepContext, StepOutcome } from "../../core/run/step-handler.js";
import type { StepProgressSink } from "../step-progress-sink.js";
import type { RolloutCheckpoint } from "./rollout-checkpoint.js";
import type { RolloutTarget } from "./rollout-target.js";
import { syncUpstreams } from "./route-traffic.js";

/** What carrying out one action led to. */
export interface ActionResult {
  /** Something in the world changed (or a verdict arrived): observe again at once. */
  readonly changed: boolean;
  /** A checkpoint to record before going on. */
  readonly checkpoint?: RolloutCheckpoint;
  /** Ends this reconcile (waiting for a timer, a signal or the next measurement, or failed). */
  readonly outcome?: StepOutcome;
  /** Skip the remaining actions of this pass and observe again. */
  readonly stop?: boolean;
}

/** Lines of one driver action kept in its run event: the end of a long tool output (Ansible's) is what tells. */
const EVENT_LOG_LINES = 200;

/**
 * Carries out one strategy action under the step's idempotency key and fence. Driver refusals are
 * recorded as failures the strategy reacts to (abort, restore); the router always learns of new
 * healthy instances before weight moves to them and forgets instances before they stop. Each
 * driver action's log (a command's argv, stderr, exit code and duration) goes to the run's events
 * as `rollout.driver`, whether it succeeded or not.
 */
export async function runRolloutAction(
  ctx: StepContext,
  service: string,
  target: RolloutTarget,
  analysis: RolloutAnalysisExecutor,
  action: RolloutAction,
  cp: RolloutCheckpoint,
  instances: readonly Instance[],
  events?: StepProgressSink,
): Promise<ActionResult> {
  const tgt = { service, environment: ctx.environment };
  // No timeout from here: each driver applies its own (the command driver's `timeoutMs` setting).
  const options = { idempotencyKey: ctx.idempotencyKey(action.id), fence: ctx.fence, signal: ctx.abort };
  const record = async (log: readonly string[], error?: DriverError) => {
    for (const line of log) ctx.log(`${action.id}: ${line}`);
    if (events === undefined || (log.length === 0 && error === undefined)) return;
    const kept = log.length > EVENT_LOG_LINES ? log.slice(-EVENT_LOG_LINES) : log;
    await events(ctx.fence, {
      runId: ctx.runId,
      stepKey: ctx.key,
      at: ctx.now().getTime(),
      type: "rollout.driver",
      data: {
        action: action.id,
        kind: action.kind,
        driver: target.driver.kind,
        ok: error === undefined,
        ...(error ? { code: error.code, error: error.message } : {}),
        log: kept,
        ...(kept.length < log.length ? { omittedLines: log.length - kept.length } : {}),
      },
    });
  };
  const driverAction = async (work: () => Promise<{ changed: boolean; log: readonly string[] }>) => {
    try {
      const r = await work();
      await record(r.log);
      await syncUpstreams(target.router, service, await target.driver.observe(tgt));
      return { changed: r.changed };
    } catch (e) {
      if (!(e instanceof DriverError) || e.driverCode === "stale-fence") throw e;
      await record(e.log, e);
      if (cp.failures[action.id] !== undefined || cp.mode === "initial")
        return {
          changed: true,
          outcome: { kind: "failed", message: `${action.id}: ${e.message}`, retryable: false } as StepOutcome,
        };
      return {
        changed: true,
        stop: true,
        checkpoint: { ...cp, failures: { ...cp.failures, [action.id]: e.message } },
      };
    }
  };
  switch (action.kind) {
    case "deploy": {
      const request = await target.deployRequest(action.version, action.slot, action.replicas);
      return driverAction(() => target.driver.deploy(request, options));
    }
    case "scale": {
      const leaving = (i: Instance) => i.slot === action.slot && i.index >= action.replicas;
      await syncUpstreams(target.router, service, instances, leaving);
      return driverAction(() => target.driver.scale(tgt, action.slot, action.replicas, options));
    }
    case "retire": {
      await syncUpstreams(target.router, service, instances, (i) => i.slot === action.slot);
      return driverAction(() => target.driver.retire(tgt, action.slot, options));
    }
    case "setWeights": {
      if (target.router === undefined) return { changed: false };
      await syncUpstreams(target.router, service, instances);
      await target.router.setWeights(service, action.weights);
      ctx.log(`${action.id}: weights ${JSON.stringify(action.weights)}`);
      return { changed: true };
    }
    case "setHeaderRoute":
      if (target.router === undefined) return { changed: false };
      await syncUpstreams(target.router, service, instances);
      await target.router.setHeaderRoute(service, {
        ...routeMatch(action),
        value: action.value,
        version: action.version,
      });
      ctx.log(
        `${action.id}: ${routeMatch(action).kind} ${routeMatch(action).name}=${action.value} → ${action.version}`,
      );
      return { changed: true };
    case "clearHeaderRoute":
      if (target.router === undefined) return { changed: false };
      await target.router.setHeaderRoute(service, null);
      return { changed: true };
    case "runAnalysis":
    case "runChecks": {
      const progress = await analysis.evaluate(ctx, service, action, cp.analyses[action.id]);
      ctx.log(`${action.id}: ${progress.message}`);
      const next: RolloutCheckpoint = {
        ...cp,
        analyses: { ...cp.analyses, [action.id]: progress.state },
        analysisReports: {
          ...cp.analysisReports,
          [action.id]: {
            message: progress.message,
            ...(progress.evidence ? { evidence: progress.evidence } : {}),
          },
        },
        ...(progress.verdict ? { verdicts: { ...cp.verdicts, [action.id]: progress.verdict } } : {}),
      };
      if (progress.verdict !== undefined) return { changed: true, checkpoint: next };
      return {
        changed: false,
        checkpoint: next,
        outcome: {
          kind: "waiting",
          until: progress.nextAt ?? new Date(ctx.now().getTime() + 1000),
          message: `${cp.message ?? "analysis"}: ${progress.message}`,
        },
      };
    }
    case "wait":
      return {
        changed: false,
        outcome: {
          kind: "waiting",
          ...(action.until ? { until: new Date(action.until) } : {}),
          message:
            action.forSignal === "promote"
              ? `${cp.message ?? action.reason}; promote with: upshift run promote ${ctx.runId} --service ${service}`
              : (cp.message ?? action.reason),
        },
      };
    default: {
      const never: never = action;
      throw new Error(`unknown rollout action ${JSON.stringify(never)}`);
    }
  }
}
