import type { RolloutMode } from "../../core/rollout/choose-rollout-plan.js";
import type { Verdict } from "../../core/rollout/rollout-observation.js";
import type { RolloutPlan, RolloutState } from "../../core/rollout/rollout-plan.js";

/**
 * What a rollout step checkpoints (its `output`): the plan chosen at its first reconcile, the
 * strategy's state, and what the analysis layer and the driver answered. Nothing here is secret:
 * parameters stay references and are resolved by the driver at deploy time.
 */
export interface RolloutCheckpoint {
  readonly mode: RolloutMode;
  readonly plan: RolloutPlan;
  readonly state: RolloutState;
  /** Slots to retire in `remove` mode. */
  readonly slots?: readonly string[];
  /** When a `revert` began: fed to the strategy as an abort signal at that time. */
  readonly abortAt?: string;
  readonly verdicts: Readonly<Record<string, Verdict>>;
  /** Driver messages of actions that failed for good, by action id. */
  readonly failures: Readonly<Record<string, string>>;
  /** Each analysis's own progress by action id (RolloutAnalysisExecutor's `state`). */
  readonly analyses: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** The last one-line account and evidence of each analysis, by action id. */
  readonly analysisReports: Readonly<
    Record<string, { readonly message: string; readonly evidence?: unknown }>
  >;
  /** When the strategy began taking the change back (an abort, a failed analysis, an unhealthy version). */
  readonly abortStartedAt?: string;
  /** When the strategy finished (completed or rolled back). */
  readonly finishedAt?: string;
  readonly phase?: string;
  readonly message?: string;
}

/** The checkpoint in a step's output, or undefined before the first reconcile chose a plan. */
export function readCheckpoint(output: Record<string, unknown>): RolloutCheckpoint | undefined {
  const plan = output.plan as RolloutPlan | undefined;
  const state = output.state as RolloutState | undefined;
  if (plan === undefined || state === undefined || typeof output.mode !== "string") return undefined;
  return {
    verdicts: {},
    failures: {},
    analyses: {},
    analysisReports: {},
    ...(output as object),
  } as RolloutCheckpoint;
}
