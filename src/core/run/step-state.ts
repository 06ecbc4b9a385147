/** States of a step in a run (DESIGN.md "Run engine"). */
export const STEP_STATES = [
  "pending",
  "ready",
  "running",
  "waiting",
  "succeeded",
  "failed",
  "skipped",
  "canceled",
] as const;
export type StepState = (typeof STEP_STATES)[number];

/** States a step never leaves on its own (a person may still retry a failed step). */
export const TERMINAL_STEP_STATES: ReadonlySet<StepState> = new Set([
  "succeeded",
  "failed",
  "skipped",
  "canceled",
]);

/** Done in a way that lets dependent steps go ahead. */
export function satisfiesDependents(state: StepState): boolean {
  return state === "succeeded" || state === "skipped";
}

/** Which state changes are legal; everything else is a bug or a lost race, refused by the engine. */
const ALLOWED: Record<StepState, readonly StepState[]> = {
  pending: ["ready", "skipped", "canceled"],
  ready: ["running", "skipped", "canceled"],
  running: ["running", "waiting", "succeeded", "failed", "ready", "canceled", "skipped"],
  waiting: ["running", "skipped", "canceled", "ready"],
  succeeded: [],
  failed: ["ready", "skipped", "canceled"],
  skipped: [],
  canceled: [],
};

/** True when a step may move from `from` to `to`. */
export function canTransition(from: StepState, to: StepState): boolean {
  return ALLOWED[from].includes(to);
}
