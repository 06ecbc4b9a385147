import { advanceChange } from "./advance-change.js";
import { approve, reject } from "./approval-events.js";
import { describeEdit } from "./change-edit.js";
import type { ChangeEvent } from "./change-event.js";
import { EDITABLE_STATES, REVERTIBLE_STATES } from "./change-path.js";
import type { ChangeRequest } from "./change-request.js";
import { isTerminalState } from "./change-state.js";
import {
  accepted,
  type ChangeContext,
  type ChangeTransition,
  endRound,
  moveTo,
  refused,
  roundIsLive,
  wrongState,
} from "./change-transition.js";
import { completeRetrospective, finishImplementation } from "./implementation-events.js";

/**
 * The change state machine: applies one event to a change and returns the new change, or a typed
 * refusal saying why not. Pure: time and the approval policy come in through `ctx`.
 */
export function transitionChange(
  change: ChangeRequest,
  event: ChangeEvent,
  ctx: ChangeContext,
): ChangeTransition {
  if (isTerminalState(change.state)) {
    return refused({
      kind: "terminal",
      state: change.state,
      message: `${change.number} is ${change.state}; nothing can change it now`,
    });
  }
  switch (event.kind) {
    case "advance":
      return advanceChange(change, event.to, event.by, ctx);
    case "assess-risk":
      return assessRisk(change, event);
    case "approve":
      return approve(change, event, ctx);
    case "reject":
      return reject(change, event, ctx);
    case "edit":
      return edit(change, event, ctx);
    case "link-run": {
      if (change.runs.some((r) => r.runId === event.runId)) return accepted(change);
      return accepted({ ...change, runs: [...change.runs, { runId: event.runId, startedBy: event.by }] });
    }
    case "finish-implementation":
      return finishImplementation(change, event, ctx.at);
    case "complete-retrospective":
      return completeRetrospective(change, event, ctx.at);
    case "revert-to-new":
      return revertToNew(change, event, ctx.at);
    case "cancel": {
      const ended = roundIsLive(change)
        ? endRound(change, {
            kind: "canceled",
            round: change.approvalRound,
            at: ctx.at,
            by: event.by,
            reason: event.reason,
          })
        : change;
      const effects =
        ended === change
          ? []
          : [{ kind: "approvals-canceled" as const, round: change.approvalRound, reason: "change canceled" }];
      return accepted(moveTo(ended, "Canceled", ctx.at, event.by, `canceled: ${event.reason}`), effects);
    }
    default: {
      const unknown: never = event;
      throw new Error(`unhandled change event ${JSON.stringify(unknown)}`);
    }
  }
}

function assessRisk(
  change: ChangeRequest,
  event: Extract<ChangeEvent, { kind: "assess-risk" }>,
): ChangeTransition {
  const approving = change.approvals.some((a) => a.round === change.approvalRound);
  if (!["New", "Assess", "Authorize"].includes(change.state) || approving) {
    return wrongState(change, "assessing risk (before any approval is given)", [
      "New",
      "Assess",
      "Authorize",
    ]);
  }
  return accepted({ ...change, riskBand: event.band, riskScore: event.score });
}

function edit(
  change: ChangeRequest,
  event: Extract<ChangeEvent, { kind: "edit" }>,
  ctx: ChangeContext,
): ChangeTransition {
  if (!EDITABLE_STATES.includes(change.state))
    return wrongState(change, "editing the plan, window or scope", EDITABLE_STATES);
  if (event.window !== undefined && event.window.end <= event.window.start) {
    return refused({ kind: "invalid-edit", message: "the change window must end after it starts" });
  }
  const changed = describeEdit(change, event);
  if (changed.length === 0)
    return refused({
      kind: "nothing-changed",
      message: "the edit restates the plan, window and scope the change already has",
    });
  const edited: ChangeRequest = {
    ...change,
    plan: event.plan ?? change.plan,
    window: event.window ?? change.window,
    scope: event.scope ?? change.scope,
  };
  const approved = change.approvals.some(
    (a) => a.round === change.approvalRound && a.decision === "approved",
  );
  if (!approved) return accepted(edited);
  const ended = endRound(edited, {
    kind: "invalidated",
    round: change.approvalRound,
    at: ctx.at,
    by: event.by,
    changed,
  });
  const back =
    change.type === "standard"
      ? ended
      : moveTo(ended, "Authorize", ctx.at, event.by, `approvals invalidated: ${changed.join("; ")}`);
  return accepted(back, [{ kind: "approvals-invalidated", round: change.approvalRound, changed }]);
}

function revertToNew(
  change: ChangeRequest,
  event: Extract<ChangeEvent, { kind: "revert-to-new" }>,
  at: number,
): ChangeTransition {
  if (!REVERTIBLE_STATES.includes(change.state))
    return wrongState(change, "reverting to New", REVERTIBLE_STATES);
  if (!roundIsLive(change)) return accepted(moveTo(change, "New", at, event.by, `reverted: ${event.reason}`));
  const ended = endRound(change, {
    kind: "reverted",
    round: change.approvalRound,
    at,
    by: event.by,
    reason: event.reason,
  });
  const effects = [
    {
      kind: "approvals-canceled" as const,
      round: change.approvalRound,
      reason: `reverted to New by ${event.by}`,
    },
  ];
  return accepted(moveTo(ended, "New", at, event.by, `reverted: ${event.reason}`), effects);
}
