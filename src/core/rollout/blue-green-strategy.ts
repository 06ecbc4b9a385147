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

/** Blue-green as in Argo Rollouts: a full preview beside the active side, one switch, a delay. */
export interface BlueGreenPlan {
  readonly kind: "blueGreen";
  readonly active: VersionSlot;
  readonly preview: VersionSlot;
  readonly replicas: number;
  readonly previewChecks: readonly string[];
  /** How long the old side keeps running after the switch, ready to take traffic back. */
  readonly scaleDownDelaySeconds: number;
}

export type BlueGreenState =
  | { readonly kind: "deployingPreview"; readonly startedAt: string }
  | { readonly kind: "checkingPreview"; readonly startedAt: string }
  | { readonly kind: "switching"; readonly startedAt: string }
  | { readonly kind: "scaleDownDelay"; readonly startedAt: string; readonly switchedAt: string }
  | { readonly kind: "retiringOld" }
  | { readonly kind: "rollingBack"; readonly reason: string }
  | { readonly kind: "completed" }
  | { readonly kind: "aborted"; readonly reason: string };

/** The state a blue-green rollout starts in. */
export function initialBlueGreenState(now: Date): BlueGreenState {
  return { kind: "deployingPreview", startedAt: now.toISOString() };
}

type Step = StrategyStep<BlueGreenState>;
const moved = (state: BlueGreenState): Step => ({ state, actions: [], phase: "Progressing", message: "" });
const stay = (
  state: BlueGreenState,
  actions: RolloutAction[],
  message: string,
  phase: Step["phase"] = "Progressing",
): Step => ({
  state,
  actions,
  phase,
  message,
});

/**
 * Advances a blue-green rollout. Before `retiringOld`, an abort or a failed check sends traffic
 * back to the active side (if it had moved) and retires the preview.
 */
export function nextBlueGreen(
  plan: BlueGreenPlan,
  state: BlueGreenState,
  obs: RolloutObservation,
  now: Date,
): Step {
  let s = state;
  for (let pass = 0; pass < 8; pass++) {
    const abort = "startedAt" in s ? signalSince(obs, "abort", s.startedAt) : undefined;
    if (abort !== undefined) s = { kind: "rollingBack", reason: abort.reason ?? "abort signal" };
    const r = advance(plan, s, obs, now);
    if (r.state === s) return r;
    s = r.state;
  }
  return advance(plan, s, obs, now);
}

function advance(plan: BlueGreenPlan, s: BlueGreenState, obs: RolloutObservation, now: Date): Step {
  const { active, preview } = plan;
  switch (s.kind) {
    case "deployingPreview": {
      const h = slotHealth(obs, preview.slot, preview.version);
      if (h.unhealthy > 0)
        return moved({ kind: "rollingBack", reason: `preview ${preview.version} is unhealthy` });
      const failed = actionFailure(obs, (id) => id === "deploy-preview");
      if (failed !== undefined)
        return moved({ kind: "rollingBack", reason: `preview deploy failed: ${failed}` });
      if (h.healthy >= plan.replicas) return moved({ kind: "checkingPreview", startedAt: s.startedAt });
      const deploy: RolloutAction = {
        kind: "deploy",
        id: "deploy-preview",
        ...preview,
        replicas: plan.replicas,
      };
      return stay(s, [deploy], `deploying preview ${preview.version} in ${preview.slot}`);
    }
    case "checkingPreview": {
      if (plan.previewChecks.length === 0) return moved({ kind: "switching", startedAt: s.startedAt });
      const verdict = obs.verdicts["preview-checks"];
      if (verdict === "success") return moved({ kind: "switching", startedAt: s.startedAt });
      if (verdict === "failure" || verdict === "inconclusive")
        return moved({ kind: "rollingBack", reason: `preview checks ended ${verdict}` });
      const run: RolloutAction = {
        kind: "runChecks",
        id: "preview-checks",
        checks: plan.previewChecks,
        version: preview.version,
      };
      return stay(s, [run], `checking preview ${preview.version}: ${plan.previewChecks.join(", ")}`);
    }
    case "switching": {
      const to = { [preview.version]: 100 };
      if (sameWeights(obs.weights, to))
        return moved({ kind: "scaleDownDelay", startedAt: s.startedAt, switchedAt: now.toISOString() });
      return stay(
        s,
        [{ kind: "setWeights", id: "switch", weights: to }],
        `switching traffic to ${preview.version}`,
      );
    }
    case "scaleDownDelay": {
      const until = new Date(Date.parse(s.switchedAt) + plan.scaleDownDelaySeconds * 1000);
      if (now >= until) return moved({ kind: "retiringOld" });
      const wait: RolloutAction = {
        kind: "wait",
        id: "scale-down-delay",
        until: until.toISOString(),
        reason: "scale-down delay",
      };
      return stay(
        s,
        [wait],
        `${active.version} kept until ${until.toISOString()} for a switch back`,
        "Paused",
      );
    }
    case "retiringOld": {
      if (active.slot === preview.slot || slotSize(obs, active.slot) === 0)
        return moved({ kind: "completed" });
      return stay(s, [{ kind: "retire", id: "retire-old", slot: active.slot }], `retiring ${active.version}`);
    }
    case "rollingBack": {
      const back = { [active.version]: 100 };
      if (obs.weights !== undefined && !sameWeights(obs.weights, back))
        return stay(
          s,
          [{ kind: "setWeights", id: "switch-back", weights: back }],
          `switching back to ${active.version}: ${s.reason}`,
          "Degraded",
        );
      if (slotSize(obs, preview.slot) > 0)
        return stay(
          s,
          [{ kind: "retire", id: "retire-preview", slot: preview.slot }],
          `retiring preview: ${s.reason}`,
          "Degraded",
        );
      return moved({ kind: "aborted", reason: s.reason });
    }
    case "completed":
      return stay(s, [], `${preview.version} is active`, "Healthy");
    case "aborted":
      return stay(s, [], `rolled back (${s.reason}); ${active.version} is active`, "Degraded");
    default: {
      const never: never = s;
      return never;
    }
  }
}
