import {
  type BlueGreenPlan,
  type BlueGreenState,
  initialBlueGreenState,
  nextBlueGreen,
} from "./blue-green-strategy.js";
import { type CanaryPlan, type CanaryState, initialCanaryState, nextCanary } from "./canary-strategy.js";
import {
  initialRecreateState,
  nextRecreate,
  type RecreatePlan,
  type RecreateState,
} from "./recreate-strategy.js";
import { initialRollingState, nextRolling, type RollingPlan, type RollingState } from "./rolling-strategy.js";
import type { RolloutObservation } from "./rollout-observation.js";
import type { StrategyStep } from "./rollout-status.js";

/** The rollout of one service, whatever its strategy. */
export type RolloutPlan = CanaryPlan | BlueGreenPlan | RollingPlan | RecreatePlan;

/** A strategy's state tagged with the strategy, so a checkpoint can be read back without the plan. */
export type RolloutState =
  | { readonly strategy: "canary"; readonly state: CanaryState }
  | { readonly strategy: "blueGreen"; readonly state: BlueGreenState }
  | { readonly strategy: "rolling"; readonly state: RollingState }
  | { readonly strategy: "recreate"; readonly state: RecreateState };

/** The state a rollout of `plan` starts in. */
export function initialRolloutState(plan: RolloutPlan, now: Date): RolloutState {
  switch (plan.kind) {
    case "canary":
      return { strategy: "canary", state: initialCanaryState(now) };
    case "blueGreen":
      return { strategy: "blueGreen", state: initialBlueGreenState(now) };
    case "rolling":
      return { strategy: "rolling", state: initialRollingState(now) };
    case "recreate":
      return { strategy: "recreate", state: initialRecreateState(now) };
    default: {
      const never: never = plan;
      return never;
    }
  }
}

/** `next(state, observation, now) → {state, actions}` for any strategy. */
export function nextRollout(
  plan: RolloutPlan,
  state: RolloutState,
  observation: RolloutObservation,
  now: Date,
): StrategyStep<RolloutState> {
  if (plan.kind !== state.strategy)
    throw new Error(`rollout state is for ${state.strategy}, but the plan is ${plan.kind}`);
  switch (plan.kind) {
    case "canary": {
      const r = nextCanary(plan, state.state as CanaryState, observation, now);
      return { ...r, state: { strategy: "canary", state: r.state } };
    }
    case "blueGreen": {
      const r = nextBlueGreen(plan, state.state as BlueGreenState, observation, now);
      return { ...r, state: { strategy: "blueGreen", state: r.state } };
    }
    case "rolling": {
      const r = nextRolling(plan, state.state as RollingState, observation);
      return { ...r, state: { strategy: "rolling", state: r.state } };
    }
    case "recreate": {
      const r = nextRecreate(plan, state.state as RecreateState, observation);
      return { ...r, state: { strategy: "recreate", state: r.state } };
    }
    default: {
      const never: never = plan;
      return never;
    }
  }
}

/** True once the rollout needs nothing more: completed or rolled back. */
export function rolloutFinished(state: RolloutState): boolean {
  return state.state.kind === "completed" || state.state.kind === "aborted";
}
