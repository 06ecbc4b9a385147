import { durationSeconds } from "../documents/duration.js";
import type { Strategy } from "../documents/kinds/release.js";
import type { CanaryStep } from "./canary-strategy.js";
import type { RolloutPlan } from "./rollout-plan.js";
import type { VersionSlot } from "./version-slot.js";

/** What the engine knows about one service's change when it builds its rollout. */
export interface RolloutSides {
  readonly current: VersionSlot;
  readonly target: VersionSlot;
  readonly replicas: number;
}

/** Used when neither the Release nor a Policy names a strategy: one at a time, never below capacity. */
export const DEFAULT_STRATEGY: Strategy = { rolling: { batchSize: 1, maxUnavailable: 0 } };

/** Turns a Release change's `strategy` into the plan its state machine runs. */
export function rolloutPlanFromRelease(strategy: Strategy | undefined, sides: RolloutSides): RolloutPlan {
  const s = strategy ?? DEFAULT_STRATEGY;
  const { current, target, replicas } = sides;
  if ("canary" in s) {
    const steps: CanaryStep[] = s.canary.steps.map((step): CanaryStep => {
      if ("setWeight" in step) return { kind: "setWeight", weight: step.setWeight };
      if ("setHeaderRoute" in step) {
        const { header, cookie, value } = step.setHeaderRoute;
        return cookie !== undefined
          ? { kind: "setHeaderRoute", cookie, value }
          : { kind: "setHeaderRoute", header: header ?? "", value };
      }
      if ("pause" in step)
        return step.pause.duration === undefined
          ? { kind: "pause" }
          : { kind: "pause", seconds: durationSeconds(step.pause.duration) };
      return {
        kind: "analysis",
        intervalSeconds: durationSeconds(step.analysis.interval),
        count: step.analysis.count,
      };
    });
    return { kind: "canary", stable: current, canary: target, replicas, steps };
  }
  if ("blueGreen" in s)
    return {
      kind: "blueGreen",
      active: current,
      preview: target,
      replicas,
      previewChecks: s.blueGreen.previewChecks ?? [],
      scaleDownDelaySeconds:
        s.blueGreen.scaleDownDelay === undefined ? 30 : durationSeconds(s.blueGreen.scaleDownDelay),
    };
  if ("rolling" in s)
    return {
      kind: "rolling",
      from: current,
      to: target,
      replicas,
      batchSize: s.rolling.batchSize ?? 1,
      maxUnavailable: s.rolling.maxUnavailable ?? 0,
    };
  return { kind: "recreate", from: current, to: target, replicas };
}

/** The slot a new version goes to: the other one of a pair, so old and new never share a slot. */
export function otherSlot(slot: string): string {
  const pairs: Record<string, string> = { blue: "green", green: "blue", a: "b", b: "a" };
  return pairs[slot] ?? (slot === "stable" ? "canary" : "stable");
}
