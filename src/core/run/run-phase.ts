import { type StepState, TERMINAL_STEP_STATES } from "./step-state.js";

/** Phases of a run, Argo Rollouts style: a phase plus conditions and a message a person can read. */
export const RUN_PHASES = [
  "Pending",
  "Running",
  "Paused",
  "Succeeded",
  "Failed",
  "RollingBack",
  "RolledBack",
  "Aborted",
] as const;
export type RunPhase = (typeof RUN_PHASES)[number];

/** Phases in which the run holds its services and may still change them. */
export const ACTIVE_PHASES: ReadonlySet<RunPhase> = new Set([
  "Pending",
  "Running",
  "Paused",
  "Failed",
  "RollingBack",
]);
/** Phases in which workers take the run's steps. */
export const DISPATCHING_PHASES: ReadonlySet<RunPhase> = new Set(["Running", "RollingBack"]);

export type ConditionType = "Progressing" | "Paused" | "Completed" | "Failed" | "RollingBack" | "Aborted";

export interface RunCondition {
  readonly type: ConditionType;
  readonly status: boolean;
  readonly reason: string;
  readonly message: string;
  readonly lastTransitionTime: string;
}

/** What the engine knows about a step when it derives the run's status. */
export interface StepSummary {
  readonly key: string;
  readonly state: StepState;
  readonly direction: "forward" | "rollback";
  readonly message: string | null;
}

export interface RunStatus {
  readonly phase: RunPhase;
  readonly message: string;
}

/**
 * The run's phase follows from its steps and from what people asked for (pause, abort).
 * Pure, so every replica derives the same answer from the same rows.
 */
export function deriveRunStatus(current: RunPhase, steps: readonly StepSummary[]): RunStatus {
  const forward = steps.filter((s) => s.direction === "forward");
  const rollback = steps.filter((s) => s.direction === "rollback");
  const count = (list: readonly StepSummary[], state: StepState) =>
    list.filter((s) => s.state === state).length;
  if (current === "RollingBack" || current === "RolledBack" || current === "Aborted") {
    if (rollback.length === 0)
      return { phase: "Aborted", message: "aborted before any step changed anything" };
    const failed = rollback.find((s) => s.state === "failed");
    if (failed)
      return {
        phase: "RollingBack",
        message: `rollback step ${failed.key} failed: ${failed.message ?? "no message"}; retry or skip it`,
      };
    const done = rollback.filter((s) => TERMINAL_STEP_STATES.has(s.state)).length;
    if (done === rollback.length)
      return { phase: "RolledBack", message: `rolled back ${rollback.length} step(s)` };
    return { phase: "RollingBack", message: `rolling back: ${done}/${rollback.length} steps reverted` };
  }
  const failed = forward.find((s) => s.state === "failed");
  if (failed)
    return { phase: "Failed", message: `step ${failed.key} failed: ${failed.message ?? "no message"}` };
  const finished = forward.filter((s) => TERMINAL_STEP_STATES.has(s.state)).length;
  if (finished === forward.length)
    return { phase: "Succeeded", message: `all ${forward.length} steps succeeded` };
  const running = count(forward, "running");
  const waiting = count(forward, "waiting");
  if (current === "Paused")
    return {
      phase: "Paused",
      message: `paused by request: ${finished}/${forward.length} steps done, ${running} still finishing`,
    };
  const detail = [
    `${finished}/${forward.length} steps done`,
    running ? `${running} running` : "",
    waiting ? `${waiting} waiting` : "",
  ].filter(Boolean);
  return { phase: "Running", message: detail.join(", ") };
}

/** True when a run in this phase will do nothing more on its own. */
export function isTerminalPhase(phase: RunPhase): boolean {
  return phase === "Succeeded" || phase === "RolledBack" || phase === "Aborted";
}

/** Conditions for a phase, so clients can show Argo-style status without re-deriving it. */
export function conditionsFor(status: RunStatus, at: string): RunCondition[] {
  const c = (type: ConditionType, on: boolean, reason: string): RunCondition => ({
    type,
    status: on,
    reason,
    message: status.message,
    lastTransitionTime: at,
  });
  switch (status.phase) {
    case "Pending":
    case "Running":
      return [c("Progressing", true, "StepsProgressing")];
    case "Paused":
      return [c("Paused", true, "PausedByRequest"), c("Progressing", false, "Paused")];
    case "Succeeded":
      return [c("Completed", true, "AllStepsSucceeded"), c("Progressing", false, "Completed")];
    case "Failed":
      return [c("Failed", true, "StepFailed"), c("Progressing", false, "StepFailed")];
    case "RollingBack":
      return [c("RollingBack", true, "AbortRequested"), c("Progressing", true, "RollingBack")];
    case "RolledBack":
      return [c("RollingBack", false, "RollbackComplete"), c("Completed", true, "RolledBack")];
    case "Aborted":
      return [c("Aborted", true, "AbortRequested"), c("Progressing", false, "Aborted")];
    default: {
      const never: never = status.phase;
      throw new Error(`unhandled phase ${String(never)}`);
    }
  }
}
