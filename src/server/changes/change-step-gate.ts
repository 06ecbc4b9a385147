import { stepClearance } from "../../core/change/step-clearance.js";
import type { StepGatePort } from "../../core/run/run-store-port.js";
import type { Store } from "../../store/store.js";

/** How long a held step waits before the worker checks its change again, by default. */
export const DEFAULT_CHANGE_RECHECK_MS = 60_000;

/**
 * The engine's per-step change gate: a forward step of a run that implements a change starts only
 * while the change is in Implement and now is inside its window. Held steps wait (their
 * `step.waiting` event and message name the change and why) and are looked at again; a canceled
 * change fails the step with the reason, which fails the run.
 */
export function changeStepGate(store: Store, recheckMs = DEFAULT_CHANGE_RECHECK_MS): StepGatePort {
  return {
    async check(step, now) {
      const number = step.change;
      if (number === null) return undefined;
      const stored = await store.changes.get(number);
      const clearance = stepClearance(number, stored?.change, now, recheckMs);
      switch (clearance.kind) {
        case "go":
          return undefined;
        case "hold":
          return { kind: "waiting", until: new Date(clearance.until), message: clearance.reason };
        case "stop":
          return { kind: "failed", message: clearance.reason, retryable: false };
        default: {
          const never: never = clearance;
          throw new Error(`unhandled clearance ${JSON.stringify(never)}`);
        }
      }
    },
  };
}
