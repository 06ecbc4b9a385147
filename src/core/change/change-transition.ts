import type { ApprovalRoundEnd } from "./approval/approval-record.js";
import type { ApprovalSetup } from "./approval/approval-setup.js";
import type { ChangeEffect } from "./change-event.js";
import type { ChangeRefusal } from "./change-refusal.js";
import type { ChangeRequest } from "./change-request.js";
import type { ChangeState } from "./change-state.js";

/** What a transition may consult besides the change: the time and the approval policy. */
export interface ChangeContext {
  /** Epoch milliseconds. */
  readonly at: number;
  readonly approvals: ApprovalSetup;
}

/** The new change and what else happened, or the reason nothing did. */
export type ChangeTransition =
  | { readonly kind: "accepted"; readonly change: ChangeRequest; readonly effects: readonly ChangeEffect[] }
  | { readonly kind: "refused"; readonly refusal: ChangeRefusal };

/** An accepted transition. */
export function accepted(change: ChangeRequest, effects: readonly ChangeEffect[] = []): ChangeTransition {
  return { kind: "accepted", change, effects };
}

/** A refused transition. */
export function refused(refusal: ChangeRefusal): ChangeTransition {
  return { kind: "refused", refusal };
}

/** The change in state `to`, with the step recorded in its history. */
export function moveTo(
  change: ChangeRequest,
  to: ChangeState,
  at: number,
  by: string,
  note: string,
): ChangeRequest {
  if (to === change.state) return change;
  return { ...change, state: to, history: [...change.history, { at, by, from: change.state, to, note }] };
}

/** True when the current approval round holds any decision or the change is awaiting one. */
export function roundIsLive(change: ChangeRequest): boolean {
  return change.state === "Authorize" || change.approvals.some((a) => a.round === change.approvalRound);
}

/** Closes the current approval round (its approvals stop counting) and opens the next. */
export function endRound(change: ChangeRequest, end: ApprovalRoundEnd): ChangeRequest {
  return { ...change, approvalRound: change.approvalRound + 1, endedRounds: [...change.endedRounds, end] };
}

/** Refusal of an event the change's state does not allow, naming the states that do. */
export function wrongState(
  change: ChangeRequest,
  what: string,
  allowed: readonly ChangeState[],
): ChangeTransition {
  const message = `${what} is possible in ${allowed.join(" or ")}; ${change.number} is ${change.state}`;
  return refused({ kind: "wrong-state", state: change.state, allowed, message });
}
