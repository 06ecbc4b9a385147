import { type RolloutAction, sameWeights } from "./rollout-action.js";
import {
  actionFailure,
  type RolloutObservation,
  signalSince,
  slotHealth,
  slotSize,
} from "./rollout-observation.js";
import type { StrategyStep } from "./rollout-status.js";
import type { VersionSlot } from "./version-slot.js";

/** Stop every old instance, then start the new ones: downtime accepted, never two versions at once. */
export interface RecreatePlan {
  readonly kind: "recreate";
  readonly from: VersionSlot;
  readonly to: VersionSlot;
  readonly replicas: number;
}

export type RecreateState =
  | { readonly kind: "stopping"; readonly startedAt: string }
  | { readonly kind: "starting"; readonly startedAt: string }
  | { readonly kind: "restoring"; readonly reason: string }
  | { readonly kind: "completed" }
  | { readonly kind: "aborted"; readonly reason: string };

/** The state a recreate rollout starts in. */
export function initialRecreateState(now: Date): RecreateState {
  return { kind: "stopping", startedAt: now.toISOString() };
}

type Step = StrategyStep<RecreateState>;

/** One pass of a recreate rollout; an abort or unhealthy new version restores the old one. */
export function nextRecreate(plan: RecreatePlan, state: RecreateState, obs: RolloutObservation): Step {
  const { from, to, replicas } = plan;
  let s = state;
  if (s.kind === "stopping" || s.kind === "starting") {
    const abort = signalSince(obs, "abort", s.startedAt);
    if (abort !== undefined) s = { kind: "restoring", reason: abort.reason ?? "abort signal" };
  }
  const stay = (actions: RolloutAction[], message: string, phase: Step["phase"] = "Progressing"): Step => ({
    state: s,
    actions,
    phase,
    message,
  });
  switch (s.kind) {
    case "stopping":
      if (from.slot !== to.slot && slotSize(obs, from.slot) > 0)
        return stay([{ kind: "retire", id: "retire-old", slot: from.slot }], `stopping ${from.version}`);
      return nextRecreate(plan, { kind: "starting", startedAt: s.startedAt }, obs);
    case "starting": {
      const h = slotHealth(obs, to.slot, to.version);
      if (h.unhealthy > 0)
        return nextRecreate(plan, { kind: "restoring", reason: `${to.version} is unhealthy` }, obs);
      const failed = actionFailure(obs, (id) => id === "deploy-new");
      if (failed !== undefined)
        return nextRecreate(
          plan,
          { kind: "restoring", reason: `deploy of ${to.version} failed: ${failed}` },
          obs,
        );
      if (h.healthy < replicas)
        return stay([{ kind: "deploy", id: "deploy-new", ...to, replicas }], `starting ${to.version}`);
      const all = { [to.version]: 100 };
      if (obs.weights !== undefined && !sameWeights(obs.weights, all))
        return stay([{ kind: "setWeights", id: "weights-new", weights: all }], `routing to ${to.version}`);
      return {
        state: { kind: "completed" },
        actions: [],
        phase: "Healthy",
        message: `${to.version} on all ${replicas}`,
      };
    }
    case "restoring": {
      if (to.slot !== from.slot && slotSize(obs, to.slot) > 0)
        return stay(
          [{ kind: "retire", id: "restore-retire-new", slot: to.slot }],
          `restoring: ${s.reason}`,
          "Degraded",
        );
      if (slotHealth(obs, from.slot, from.version).healthy < replicas)
        return stay(
          [{ kind: "deploy", id: "restore-deploy-old", ...from, replicas }],
          `restoring ${from.version}`,
          "Degraded",
        );
      const all = { [from.version]: 100 };
      if (obs.weights !== undefined && !sameWeights(obs.weights, all))
        return stay(
          [{ kind: "setWeights", id: "restore-weights", weights: all }],
          `routing to ${from.version}`,
          "Degraded",
        );
      return {
        state: { kind: "aborted", reason: s.reason },
        actions: [],
        phase: "Degraded",
        message: `restored ${from.version}: ${s.reason}`,
      };
    }
    case "completed":
      return stay([], `${to.version} on all ${replicas}`, "Healthy");
    case "aborted":
      return stay([], `restored ${from.version}: ${s.reason}`, "Degraded");
    default: {
      const never: never = s;
      return never;
    }
  }
}
