import { type RolloutAction, sameWeights, type Weights } from "./rollout-action.js";
import {
  actionFailure,
  type RolloutObservation,
  signalSince,
  slotHealth,
  slotSize,
} from "./rollout-observation.js";
import type { StrategyStep } from "./rollout-status.js";
import type { VersionSlot } from "./version-slot.js";

/**
 * A rolling update from one slot to another. `batchSize` is how many new instances may exist
 * beyond `replicas` (Kubernetes' maxSurge); `maxUnavailable` how far below `replicas` the healthy
 * count may drop while old instances are removed.
 */
export interface RollingPlan {
  readonly kind: "rolling";
  readonly from: VersionSlot;
  readonly to: VersionSlot;
  readonly replicas: number;
  readonly batchSize: number;
  readonly maxUnavailable: number;
}

export type RollingState =
  | { readonly kind: "rolling"; readonly startedAt: string }
  | { readonly kind: "rollingBack"; readonly reason: string }
  | { readonly kind: "completed" }
  | { readonly kind: "aborted"; readonly reason: string };

/** The state a rolling update starts in. */
export function initialRollingState(now: Date): RollingState {
  return { kind: "rolling", startedAt: now.toISOString() };
}

type Step = StrategyStep<RollingState>;

/** Traffic in proportion to healthy instances, so a router sends each version its share. */
function proportional(a: VersionSlot, na: number, b: VersionSlot, nb: number): Weights | undefined {
  if (na + nb === 0) return undefined;
  if (a.version === b.version) return { [a.version]: 100 };
  const wb = Math.round((100 * nb) / (na + nb));
  const w: Record<string, number> = {};
  if (wb < 100) w[a.version] = 100 - wb;
  if (wb > 0) w[b.version] = wb;
  return w;
}

/**
 * One reconcile pass of a rolling update, after the Kubernetes deployment controller's
 * reconcileNewReplicaSet / reconcileOldReplicaSets (pkg/controller/deployment/rolling.go):
 * scale the new slot up within the surge, then the old one down within maxUnavailable.
 */
export function nextRolling(plan: RollingPlan, state: RollingState, obs: RolloutObservation): Step {
  let s = state;
  if (s.kind === "rolling") {
    const abort = signalSince(obs, "abort", s.startedAt);
    if (abort !== undefined) s = { kind: "rollingBack", reason: abort.reason ?? "abort signal" };
  }
  const { from, to, replicas } = plan;
  const fresh = slotHealth(obs, to.slot, to.version);
  const old = slotHealth(obs, from.slot, from.version);
  const oldCount = slotSize(obs, from.slot);
  switch (s.kind) {
    case "rolling": {
      if (fresh.unhealthy > 0)
        return nextRolling(
          plan,
          { kind: "rollingBack", reason: `${to.version} instances are unhealthy` },
          obs,
        );
      const failed = actionFailure(obs, (id) => id.startsWith("deploy-"));
      if (failed !== undefined)
        return nextRolling(
          plan,
          { kind: "rollingBack", reason: `deploy of ${to.version} failed: ${failed}` },
          obs,
        );
      const actions: RolloutAction[] = [];
      const removable = Math.min(oldCount, fresh.healthy + old.healthy - (replicas - plan.maxUnavailable));
      // Weight follows the old instances that stay, so none about to stop still takes traffic.
      const staying = Math.max(0, old.healthy - Math.max(0, removable));
      const weights = proportional(from, staying, to, fresh.healthy);
      if (obs.weights !== undefined && weights !== undefined && !sameWeights(obs.weights, weights))
        actions.push({ kind: "setWeights", id: `weights-${weights[to.version] ?? 0}`, weights });
      const scaleUpTo = Math.min(
        replicas,
        fresh.total + Math.max(0, replicas + plan.batchSize - fresh.total - oldCount),
      );
      if (scaleUpTo > fresh.total)
        actions.push({ kind: "deploy", id: `deploy-${scaleUpTo}`, ...to, replicas: scaleUpTo });
      if (removable > 0) {
        const left = oldCount - removable;
        actions.push(
          left === 0
            ? { kind: "retire", id: "retire-old", slot: from.slot }
            : { kind: "scale", id: `scale-old-${left}`, slot: from.slot, replicas: left },
        );
      }
      if (actions.length > 0)
        return {
          state: s,
          actions,
          phase: "Progressing",
          message: `${fresh.healthy}/${replicas} on ${to.version}, ${oldCount} on ${from.version}`,
        };
      if (oldCount === 0 && fresh.healthy >= replicas)
        return {
          state: { kind: "completed" },
          actions: [],
          phase: "Healthy",
          message: `${to.version} on all ${replicas}`,
        };
      return {
        state: s,
        actions: [],
        phase: "Progressing",
        message: `waiting for ${to.version} instances to become healthy`,
      };
    }
    case "rollingBack": {
      const actions: RolloutAction[] = [];
      if (old.healthy < replicas)
        actions.push({ kind: "deploy", id: "rollback-deploy-old", ...from, replicas });
      else if (obs.weights !== undefined && !sameWeights(obs.weights, { [from.version]: 100 }))
        actions.push({ kind: "setWeights", id: "rollback-weights", weights: { [from.version]: 100 } });
      else if (to.slot !== from.slot && slotSize(obs, to.slot) > 0)
        actions.push({ kind: "retire", id: "rollback-retire-new", slot: to.slot });
      if (actions.length > 0)
        return { state: s, actions, phase: "Degraded", message: `rolling back: ${s.reason}` };
      return {
        state: { kind: "aborted", reason: s.reason },
        actions: [],
        phase: "Degraded",
        message: `rolled back: ${s.reason}`,
      };
    }
    case "completed":
      return { state: s, actions: [], phase: "Healthy", message: `${to.version} on all ${replicas}` };
    case "aborted":
      return { state: s, actions: [], phase: "Degraded", message: `rolled back: ${s.reason}` };
    default: {
      const never: never = s;
      return never;
    }
  }
}
