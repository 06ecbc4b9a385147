import type { StepContext } from "../run/step-handler.js";
import type { RolloutAction } from "./rollout-action.js";
import type { Verdict } from "./rollout-observation.js";

/** The actions of a strategy that ask the analysis layer for a verdict. */
export type AnalysisAction = Extract<RolloutAction, { kind: "runAnalysis" | "runChecks" }>;

/** Where an analysis stands after one evaluation. */
export interface AnalysisProgress {
  /** Set once the analysis has decided; absent while it is still measuring. */
  readonly verdict?: Verdict;
  /** When the rollout handler should evaluate again (the next measurement is due). */
  readonly nextAt?: Date;
  /** A one-line account for the step's message, e.g. "error rate 0.4% <= 1% (3/5 measurements)". */
  readonly message: string;
  /** What the verdict rests on (measurements, judge output), kept on the run as evidence. */
  readonly evidence?: Readonly<Record<string, unknown>>;
  /**
   * The analysis's own progress (measurements taken so far, counters), which the rollout handler
   * checkpoints with the step under `analyses[action.id]` and hands back on the next evaluation.
   */
  readonly state: Readonly<Record<string, unknown>>;
}

/**
 * The port through which the engine's rollout handler obtains verdicts for `runAnalysis` and
 * `runChecks` actions. Evaluation is level-triggered like every handler: it is called again on each
 * reconcile until it answers with a verdict, keeps its progress only in the `state` it returns
 * (never in memory, never through `ctx.checkpoint`, which belongs to the rollout handler), and
 * must converge after a crash: `previous` is the state it returned last time, or undefined.
 */
export interface RolloutAnalysisExecutor {
  evaluate(
    ctx: StepContext,
    service: string,
    action: AnalysisAction,
    previous: Readonly<Record<string, unknown>> | undefined,
  ): Promise<AnalysisProgress>;
}
