import type { RolloutAction } from "./rollout-action.js";

/**
 * Where a rollout stands, in Argo Rollouts' words: a phase a dashboard can colour, and a message
 * a person can read.
 */
export type RolloutPhase = "Progressing" | "Paused" | "Healthy" | "Degraded";

/** The result of one `next` call on any strategy: the new state and the actions to take now. */
export interface StrategyStep<S> {
  readonly state: S;
  readonly actions: readonly RolloutAction[];
  readonly phase: RolloutPhase;
  readonly message: string;
}
