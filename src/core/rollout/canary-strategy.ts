import {
  type RolloutAction,
  sameMatch,
  sameWeights,
  type TesterMatch,
  type Weights,
} from "./rollout-action.js";
import {
  actionFailure,
  type RolloutObservation,
  signalSince,
  slotHealth,
  slotSize,
} from "./rollout-observation.js";
import type { StrategyStep } from "./rollout-status.js";
import type { VersionSlot } from "./version-slot.js";

/** One step of a canary, as in Argo Rollouts' `spec.strategy.canary.steps`. */
export type CanaryStep =
  | { readonly kind: "setWeight"; readonly weight: number }
  /** Without `seconds`, the pause lasts until a promote signal. */
  | { readonly kind: "pause"; readonly seconds?: number }
  | { readonly kind: "analysis"; readonly intervalSeconds: number; readonly count: number }
  /** Testers (a header or cookie value) reach the canary whatever the weights, until promotion or abort. */
  | ({ readonly kind: "setHeaderRoute"; readonly value: string } & TesterMatch);

/** A canary of one service: `canary` grows beside `stable`, then replaces it. */
export interface CanaryPlan {
  readonly kind: "canary";
  readonly stable: VersionSlot;
  readonly canary: VersionSlot;
  readonly replicas: number;
  readonly steps: readonly CanaryStep[];
}

export type CanaryState =
  | { readonly kind: "deploying"; readonly startedAt: string }
  | {
      readonly kind: "stepping";
      readonly startedAt: string;
      readonly stepIndex: number;
      readonly stepStartedAt: string;
    }
  | { readonly kind: "promoting"; readonly startedAt: string }
  | { readonly kind: "aborting"; readonly reason: string }
  | { readonly kind: "completed" }
  | { readonly kind: "aborted"; readonly reason: string };

/** The state a canary starts in. */
export function initialCanaryState(now: Date): CanaryState {
  return { kind: "deploying", startedAt: now.toISOString() };
}

/** Stable and canary shares; a version with no share is left out, as a router would list it. */
function split(plan: CanaryPlan, canaryWeight: number): Weights {
  if (plan.stable.version === plan.canary.version) return { [plan.canary.version]: 100 };
  const w: Record<string, number> = {};
  if (canaryWeight < 100) w[plan.stable.version] = 100 - canaryWeight;
  if (canaryWeight > 0) w[plan.canary.version] = canaryWeight;
  return w;
}

type Step = StrategyStep<CanaryState>;

/**
 * Advances a canary as far as the observation allows and returns the actions still needed.
 * Level-triggered: calling it again with the same observation returns the same actions.
 */
export function nextCanary(plan: CanaryPlan, state: CanaryState, obs: RolloutObservation, now: Date): Step {
  let s = state;
  // Each pass either returns or moves to a later state, so steps.length + 4 passes always suffice.
  for (let pass = 0; pass < plan.steps.length + 4; pass++) {
    const abort = "startedAt" in s ? signalSince(obs, "abort", s.startedAt) : undefined;
    if (abort !== undefined && abortable(plan, s, obs))
      s = { kind: "aborting", reason: abort.reason ?? "abort signal" };
    const r = advance(plan, s, obs, now);
    if (r.state === s) return r;
    s = r.state;
  }
  return advance(plan, s, obs, now);
}

/**
 * An abort is honoured until promotion starts retiring the old stable: from then on there is no
 * stable left to send traffic back to, so the promotion finishes (Argo Rollouts likewise ignores
 * an abort once a rollout is fully promoted).
 */
function abortable(plan: CanaryPlan, s: CanaryState, obs: RolloutObservation): boolean {
  if (s.kind !== "promoting") return true;
  return slotHealth(obs, plan.stable.slot, plan.stable.version).healthy >= plan.replicas;
}

function advance(plan: CanaryPlan, s: CanaryState, obs: RolloutObservation, now: Date): Step {
  const at = now.toISOString();
  switch (s.kind) {
    case "deploying": {
      const h = slotHealth(obs, plan.canary.slot, plan.canary.version);
      if (h.unhealthy > 0)
        return moved({ kind: "aborting", reason: `canary ${plan.canary.version} instances are unhealthy` });
      const failed = actionFailure(obs, (id) => id === "deploy-canary");
      if (failed !== undefined) return moved({ kind: "aborting", reason: `canary deploy failed: ${failed}` });
      if (h.healthy >= plan.replicas) return moved(stepAt(s.startedAt, 0, at));
      const deploy: RolloutAction = {
        kind: "deploy",
        id: "deploy-canary",
        ...plan.canary,
        replicas: plan.replicas,
      };
      return {
        state: s,
        actions: [deploy],
        phase: "Progressing",
        message: `deploying canary ${plan.canary.version}`,
      };
    }
    case "stepping":
      return stepping(plan, s, obs, now);
    case "promoting": {
      const full = split(plan, 100);
      const actions: RolloutAction[] = [];
      if (!sameWeights(obs.weights, full))
        actions.push({ kind: "setWeights", id: "promote-weights", weights: full });
      else {
        if (obs.headerRoute) actions.push({ kind: "clearHeaderRoute", id: "promote-clear-header" });
        if (plan.stable.slot !== plan.canary.slot && slotSize(obs, plan.stable.slot) > 0)
          actions.push({ kind: "retire", id: "retire-stable", slot: plan.stable.slot });
      }
      if (actions.length === 0) return moved({ kind: "completed" });
      return { state: s, actions, phase: "Progressing", message: `promoting ${plan.canary.version}` };
    }
    case "aborting": {
      const back = { [plan.stable.version]: 100 };
      const actions: RolloutAction[] = [];
      // Traffic goes back first and at once; the canary is retired only once nothing routes to it.
      if (!sameWeights(obs.weights, back))
        actions.push({ kind: "setWeights", id: "abort-weights", weights: back });
      if (obs.headerRoute) actions.push({ kind: "clearHeaderRoute", id: "abort-clear-header" });
      if (
        actions.length === 0 &&
        plan.canary.slot !== plan.stable.slot &&
        slotSize(obs, plan.canary.slot) > 0
      )
        actions.push({ kind: "retire", id: "abort-retire-canary", slot: plan.canary.slot });
      if (actions.length === 0) return moved({ kind: "aborted", reason: s.reason });
      return { state: s, actions, phase: "Degraded", message: `aborting: ${s.reason}` };
    }
    case "completed":
      return {
        state: s,
        actions: [],
        phase: "Healthy",
        message: `${plan.canary.version} serves all traffic`,
      };
    case "aborted":
      return {
        state: s,
        actions: [],
        phase: "Degraded",
        message: `aborted (${s.reason}); ${plan.stable.version} serves all traffic`,
      };
    default: {
      const never: never = s;
      return never;
    }
  }
}

function stepping(
  plan: CanaryPlan,
  s: Extract<CanaryState, { kind: "stepping" }>,
  obs: RolloutObservation,
  now: Date,
): Step {
  const step = plan.steps[s.stepIndex];
  if (step === undefined) return moved({ kind: "promoting", startedAt: s.startedAt });
  const at = now.toISOString();
  const next = moved(stepAt(s.startedAt, s.stepIndex + 1, at));
  const where = `step ${s.stepIndex + 1}/${plan.steps.length}`;
  const id = `step-${s.stepIndex}`;
  const promoted = signalSince(obs, "promote", s.stepStartedAt) !== undefined;
  switch (step.kind) {
    case "setWeight": {
      const weights = split(plan, step.weight);
      if (sameWeights(obs.weights, weights)) return next;
      const actions = [{ kind: "setWeights", id: `${id}-weights`, weights } as const];
      return { state: s, actions, phase: "Progressing", message: `${where}: canary weight ${step.weight}%` };
    }
    case "pause": {
      if (promoted) return next;
      if (step.seconds === undefined) {
        const wait = {
          kind: "wait",
          id: `${id}-pause`,
          forSignal: "promote",
          reason: "paused until promoted",
        } as const;
        return { state: s, actions: [wait], phase: "Paused", message: `${where}: paused until promoted` };
      }
      const until = new Date(Date.parse(s.stepStartedAt) + step.seconds * 1000);
      if (now >= until) return next;
      const wait = {
        kind: "wait",
        id: `${id}-pause`,
        until: until.toISOString(),
        reason: `paused ${step.seconds}s`,
      } as const;
      return {
        state: s,
        actions: [wait],
        phase: "Paused",
        message: `${where}: paused until ${until.toISOString()}`,
      };
    }
    case "analysis": {
      const aid = `${id}-analysis`;
      const verdict = obs.verdicts[aid];
      if (verdict === "success") return next;
      if (verdict === "failure") return moved({ kind: "aborting", reason: `analysis at ${where} failed` });
      if (verdict === "inconclusive") {
        if (promoted) return next;
        const wait = {
          kind: "wait",
          id: `${aid}-inconclusive`,
          forSignal: "promote",
          reason: "analysis inconclusive",
        } as const;
        return {
          state: s,
          actions: [wait],
          phase: "Paused",
          message: `${where}: analysis inconclusive; promote or abort`,
        };
      }
      const run: RolloutAction = {
        kind: "runAnalysis",
        id: aid,
        intervalSeconds: step.intervalSeconds,
        count: step.count,
        baseline: plan.stable.version,
        canary: plan.canary.version,
      };
      return { state: s, actions: [run], phase: "Progressing", message: `${where}: analysis running` };
    }
    case "setHeaderRoute": {
      const match: TesterMatch =
        step.cookie !== undefined ? { cookie: step.cookie } : { header: step.header };
      const have = obs.headerRoute;
      if (have && sameMatch(have, match) && have.value === step.value && have.version === plan.canary.version)
        return next;
      const action: RolloutAction = {
        kind: "setHeaderRoute",
        id: `${id}-header`,
        ...match,
        value: step.value,
        version: plan.canary.version,
      };
      const who =
        step.cookie !== undefined ? `cookie ${step.cookie}=${step.value}` : `${step.header}: ${step.value}`;
      return { state: s, actions: [action], phase: "Progressing", message: `${where}: ${who} → canary` };
    }
    default: {
      const never: never = step;
      return never;
    }
  }
}

const stepAt = (startedAt: string, stepIndex: number, at: string): CanaryState => ({
  kind: "stepping",
  startedAt,
  stepIndex,
  stepStartedAt: at,
});

/** A transition taken without acting: the caller loops on, so actions of the new state follow. */
const moved = (state: CanaryState): Step => ({ state, actions: [], phase: "Progressing", message: "" });
