import type { ChangeEvent } from "../../core/change/change-event.js";
import type { ChangeRequest, ImplementationOutcome } from "../../core/change/change-request.js";
import { ConflictError } from "../../core/errors/domain-error.js";

/** The transitions the API offers by name. */
export const CHANGE_ACTIONS = [
  "submit",
  "assess",
  "authorize",
  "schedule",
  "implement",
  "review",
  "close",
  "cancel",
  "revert-to-new",
] as const;
export type ChangeAction = (typeof CHANGE_ACTIONS)[number];

/** The core event a named action stands for; `submit` goes to the next state of the type's path. */
export function eventFor(
  action: Exclude<ChangeAction, "assess">,
  change: ChangeRequest,
  by: string,
  reason: string,
  outcome: ImplementationOutcome,
): ChangeEvent {
  switch (action) {
    case "submit": {
      const next = { normal: "Assess", standard: "Scheduled", emergency: "Authorize" } as const;
      if (change.state !== "New")
        throw new ConflictError(
          "change.wrong-state",
          `submitting is possible in New; ${change.number} is ${change.state}`,
        );
      return { kind: "advance", by, to: next[change.type] };
    }
    case "authorize":
      return { kind: "advance", by, to: "Authorize" };
    case "schedule":
      return { kind: "advance", by, to: "Scheduled" };
    case "implement":
      return { kind: "advance", by, to: "Implement" };
    case "review":
      return { kind: "finish-implementation", by, outcome };
    case "close":
      return { kind: "advance", by, to: "Closed" };
    case "cancel":
      return { kind: "cancel", by, reason };
    case "revert-to-new":
      return { kind: "revert-to-new", by, reason };
    default: {
      const never: never = action;
      throw new Error(`unhandled action ${String(never)}`);
    }
  }
}
