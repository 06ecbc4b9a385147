import { setTimeout as sleep } from "node:timers/promises";
import type { Strategy } from "../../core/documents/kinds/release.js";
import { DomainError } from "../../core/errors/domain-error.js";
import { chooseRolloutPlan } from "../../core/rollout/choose-rollout-plan.js";
import type { RolloutAnalysisExecutor } from "../../core/rollout/rollout-analysis-port.js";
import type { RolloutObservation, RolloutSignal } from "../../core/rollout/rollout-observation.js";
import { initialRolloutState, nextRollout, rolloutFinished } from "../../core/rollout/rollout-plan.js";
import type { StepContext, StepHandler, StepOutcome } from "../../core/run/step-handler.js";
import { removeService } from "../rollout/remove-service.js";
import { type RolloutCheckpoint, readCheckpoint } from "../rollout/rollout-checkpoint.js";
import type { RolloutTarget, RolloutTargets } from "../rollout/rollout-target.js";
import { routeOf } from "../rollout/route-traffic.js";
import { type ActionResult, runRolloutAction } from "../rollout/run-rollout-action.js";
import type { StepProgressSink } from "../step-progress-sink.js";

/** Passes of observe → decide → act in one reconcile before the step yields its worker for a moment. */
const MAX_PASSES = 400;
/** How soon a step that made no progress (instances still starting) looks again. */
const POLL_MS = 500;
/** Timed waits up to this long are slept in the reconcile; longer ones park the step durably. */
const HOLD_MS = 20_000;
/** How long one reconcile holds its worker before parking short waits too (a stopping server waits for it). */
const HOLD_BUDGET_MS = 10_000;

interface RolloutInput {
  readonly from: string;
  readonly to: string;
  readonly strategy: Strategy | undefined;
  readonly artifact: { readonly uri?: string; readonly digest: string } | undefined;
}

function readInput(input: Record<string, unknown>): RolloutInput | string {
  const { from, to, strategy, artifact } = input;
  if (typeof from !== "string" || typeof to !== "string")
    return `rollout step input needs "from" and "to" versions; got ${JSON.stringify({ from, to })}`;
  if (
    artifact !== undefined &&
    (typeof artifact !== "object" || artifact === null || !("digest" in artifact))
  )
    return `rollout step input "artifact" must be {uri?, digest}; got ${JSON.stringify(artifact)}`;
  return {
    from,
    to,
    strategy: strategy as Strategy | undefined,
    artifact: artifact as RolloutInput["artifact"],
  };
}

/** Promote signals people sent to this step (abort is the engine's: it cancels the step and reverts). */
function promoteSignals(signals: Awaited<ReturnType<StepContext["signals"]>>, key: string): RolloutSignal[] {
  return signals
    .filter((s) => s.kind === "promote" && s.stepKey === key)
    .map((s) => ({ kind: "promote", at: s.at, ...(s.reason ? { reason: s.reason } : {}) }));
}

/**
 * The `rollout` step: moves one service in one environment from `from` to `to` through its
 * strategy, observing the driver and router before every decision, each action under its
 * idempotency key, the strategy's state checkpointed after every change, so a crash or takeover
 * resumes where it was and never starts a second copy. In `rollback` direction it returns the
 * service to `from` through the same strategy (its abort path, or a quick rollout back).
 */
export function rolloutHandler(
  targets: RolloutTargets,
  analysis: RolloutAnalysisExecutor,
  /** Where each driver action's log goes (the run's events); left out, only the worker log. */
  events?: StepProgressSink,
): StepHandler {
  return {
    kind: "rollout",
    revertible: true,
    async reconcile(ctx: StepContext): Promise<StepOutcome> {
      const input = readInput(ctx.input);
      if (typeof input === "string") return { kind: "failed", message: input, retryable: false };
      const service = ctx.service;
      if (service === null)
        return { kind: "failed", message: "a rollout step needs a service", retryable: false };
      let target: RolloutTarget;
      try {
        target = await targets.resolve({
          environment: ctx.environment,
          service,
          to: input.to,
          ...(input.artifact ? { artifact: input.artifact } : {}),
        });
      } catch (e) {
        // Documents that cannot work (a missing listener, bad driver settings) fail the step at
        // once, with their message; nothing was changed yet. Anything else may pass: retried.
        if (e instanceof DomainError && !e.retryable)
          return {
            kind: "failed",
            message: `${service} in ${ctx.environment}: ${e.message}; nothing was changed`,
            retryable: false,
          };
        throw e;
      }
      // A rollback run's steps run forward in the engine but return the service to `from`.
      const direction = ctx.input.rollback === true ? "rollback" : ctx.direction;
      let cp = readCheckpoint(ctx.output);
      if (cp === undefined) {
        const chosen = await choose(ctx, service, input, target, direction);
        if ("failed" in chosen) return { kind: "failed", message: chosen.failed, retryable: false };
        cp = chosen;
        await ctx.checkpoint({ ...cp });
      }
      if (cp.mode === "remove") return removeService(ctx, service, target, cp);
      if (cp.mode === "unchanged")
        return {
          kind: "succeeded",
          output: { ...cp },
          message: `nothing to return: neither ${input.to} nor ${input.from} of ${service} runs in ${ctx.environment}`,
        };
      return drive(ctx, service, target, analysis, cp, events);
    },
  };
}

async function choose(
  ctx: StepContext,
  service: string,
  input: RolloutInput,
  target: RolloutTarget,
  direction: "forward" | "rollback",
): Promise<RolloutCheckpoint | { failed: string }> {
  const instances = await target.driver.observe({ service, environment: ctx.environment });
  const chosen = chooseRolloutPlan({
    from: input.from,
    to: input.to,
    strategy: input.strategy,
    replicas: target.replicas,
    instances,
    direction,
  });
  const kind = chosen.plan.kind;
  if ((kind === "canary" || kind === "blueGreen") && target.router === undefined)
    return {
      failed: `${service}: a ${kind} rollout needs a traffic router; set spec.router of Environment ${ctx.environment} (builtin or nginx); nothing was changed`,
    };
  if (chosen.mode === "initial" || chosen.mode === "strategy" || chosen.mode === "reverse") {
    const version = direction === "forward" ? input.to : input.from;
    const problems = await target.preCheck([version]);
    if (problems.length > 0)
      return {
        failed: `pre-checks of ${service} ${version} in ${ctx.environment} failed; nothing was changed:\n${problems.join("\n")}`,
      };
  }
  const now = ctx.now();
  ctx.log(`${direction} ${chosen.mode} rollout of ${service}: ${chosen.plan.kind} plan`);
  return {
    mode: chosen.mode,
    plan: chosen.plan,
    state: initialRolloutState(chosen.plan, now),
    ...(chosen.slots ? { slots: chosen.slots } : {}),
    ...(chosen.mode === "revert" ? { abortAt: now.toISOString() } : {}),
    verdicts: {},
    failures: {},
    analyses: {},
    analysisReports: {},
  };
}

async function drive(
  ctx: StepContext,
  service: string,
  target: RolloutTarget,
  analysis: RolloutAnalysisExecutor,
  start: RolloutCheckpoint,
  events: StepProgressSink | undefined,
): Promise<StepOutcome> {
  let cp = start;
  const save = async (next: RolloutCheckpoint) => {
    if (JSON.stringify(next) === JSON.stringify(cp)) return;
    cp = next;
    await ctx.checkpoint({ ...cp });
  };
  const began = Date.now();
  const held = () => Date.now() - began > HOLD_BUDGET_MS;
  let idle = 0;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    if (ctx.abort.aborted) throw ctx.abort.reason;
    const tgt = { service, environment: ctx.environment };
    const instances = await target.driver.observe(tgt);
    const routed = target.router === undefined ? undefined : await routeOf(target.router, service);
    const signals = promoteSignals(await ctx.signals(), ctx.key);
    if (cp.abortAt !== undefined)
      signals.push({ kind: "abort", at: cp.abortAt, reason: `run ${ctx.runId} is rolling back` });
    const observation: RolloutObservation = {
      instances,
      ...(routed ? { weights: routed.weights } : {}),
      headerRoute: routed?.headerRoute
        ? {
            ...(routed.headerRoute.kind === "cookie"
              ? { cookie: routed.headerRoute.name }
              : { header: routed.headerRoute.name }),
            value: routed.headerRoute.value,
            version: routed.headerRoute.version,
          }
        : null,
      verdicts: cp.verdicts,
      signals,
      failures: cp.failures,
    };
    const now = ctx.now();
    const step = nextRollout(cp.plan, cp.state, observation, now);
    const moved = JSON.stringify(step.state) !== JSON.stringify(cp.state);
    const backing = ["aborting", "rollingBack", "restoring"].includes(step.state.state.kind);
    const at = now.toISOString();
    await save({
      ...cp,
      state: step.state,
      phase: step.phase,
      message: step.message,
      ...(backing && cp.abortStartedAt === undefined ? { abortStartedAt: at } : {}),
      ...(rolloutFinished(step.state) && cp.finishedAt === undefined ? { finishedAt: at } : {}),
    });
    if (rolloutFinished(cp.state)) return finish(cp, step.message);
    let changed = moved;
    for (const action of step.actions) {
      const result: ActionResult = await runRolloutAction(
        ctx,
        service,
        target,
        analysis,
        action,
        cp,
        instances,
        events,
      );
      if (result.checkpoint) await save(result.checkpoint);
      if (result.changed) changed = true;
      const out = result.outcome;
      if (out !== undefined) {
        // Short timed waits are slept here, under the lease, so a canary moves on without a round
        // trip through the store. Long waits and waits for people are parked durably, and so is a
        // short one once this reconcile has held its worker for a while.
        const ms = out.kind === "waiting" && out.until ? out.until.getTime() - ctx.now().getTime() : Infinity;
        if (ms > HOLD_MS || held()) return out;
        // In steps of at most a second, so a promote or a sick instance is seen meanwhile.
        await sleep(Math.min(Math.max(0, ms), 1000), undefined, { signal: ctx.abort });
        changed = true;
        break;
      }
      if (result.stop) break;
    }
    idle = changed ? 0 : idle + 1;
    if (idle >= 2) {
      if (held()) return { kind: "waiting", until: new Date(now.getTime() + POLL_MS), message: step.message };
      await sleep(POLL_MS, undefined, { signal: ctx.abort });
    }
  }
  return { kind: "waiting", until: ctx.now(), message: cp.message ?? "rollout in progress" };
}

function finish(cp: RolloutCheckpoint, message: string): StepOutcome {
  const output = { ...cp } as Record<string, unknown>;
  if (cp.state.state.kind === "completed") return { kind: "succeeded", output, message };
  if (cp.mode === "revert") return { kind: "succeeded", output, message: `reverted: ${message}` };
  return { kind: "failed", message: `rolled back: ${message}`, retryable: false };
}
