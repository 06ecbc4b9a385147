import type { RetryPolicy } from "./run-store-port.js";
import type { StepOutcome } from "./step-handler.js";

/** The columns a recorded outcome sets on its step, and the event it emits. */
export interface StepOutcomeRow {
  readonly type: "step.succeeded" | "step.waiting" | "step.retrying" | "step.failed";
  readonly state: "succeeded" | "waiting" | "ready" | "failed";
  readonly message: string | null;
  readonly output: string | null;
  readonly wakeAt: number | null;
  readonly readyAt: number | null;
  readonly dueAt: number | null;
  readonly finishedAt: number | null;
}

/** The state change an outcome leads to: succeeded, waiting (until a timer or a signal), retried after backoff, or failed. */
export function stepRowForOutcome(
  outcome: StepOutcome,
  attempt: number,
  now: number,
  retry: RetryPolicy,
): StepOutcomeRow {
  switch (outcome.kind) {
    case "succeeded":
      return {
        type: "step.succeeded",
        state: "succeeded",
        message: outcome.message ?? null,
        output: outcome.output ? JSON.stringify(outcome.output) : null,
        wakeAt: null,
        readyAt: null,
        dueAt: null,
        finishedAt: now,
      };
    case "waiting": {
      const until = outcome.until ? outcome.until.getTime() : null;
      return {
        type: "step.waiting",
        state: "waiting",
        message: outcome.message,
        output: null,
        wakeAt: until,
        readyAt: null,
        dueAt: until,
        finishedAt: null,
      };
    }
    case "failed": {
      if (outcome.retryable === true && attempt < retry.maxAttempts) {
        const readyAt = now + retry.backoffMs(attempt);
        return {
          type: "step.retrying",
          state: "ready",
          message: `attempt ${attempt} failed, retrying: ${outcome.message}`,
          output: null,
          wakeAt: null,
          readyAt,
          dueAt: readyAt,
          finishedAt: null,
        };
      }
      return {
        type: "step.failed",
        state: "failed",
        message: outcome.message,
        output: null,
        wakeAt: null,
        readyAt: null,
        dueAt: null,
        finishedAt: now,
      };
    }
    default: {
      const never: never = outcome;
      throw new Error(`unhandled outcome ${JSON.stringify(never)}`);
    }
  }
}
