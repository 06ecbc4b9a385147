import { checkApprover, checkRejecter } from "./approval/check-approver.js";
import { evaluateApprovals } from "./approval/evaluate-approvals.js";
import type { ChangeEvent } from "./change-event.js";
import type { ChangeRequest } from "./change-request.js";
import {
  accepted,
  type ChangeContext,
  type ChangeTransition,
  endRound,
  moveTo,
  refused,
  wrongState,
} from "./change-transition.js";

/** Records an approval from someone allowed to give it; the last one needed schedules the change. */
export function approve(
  change: ChangeRequest,
  event: Extract<ChangeEvent, { kind: "approve" }>,
  ctx: ChangeContext,
): ChangeTransition {
  if (change.state !== "Authorize") return wrongState(change, "approving", ["Authorize"]);
  const check = checkApprover(change, ctx.approvals, ctx.at, event.by);
  if (check.kind === "refused")
    return refused({ kind: "approver-refused", refusal: check.refusal, message: check.refusal.message });
  const record = {
    by: event.by,
    decision: "approved" as const,
    at: ctx.at,
    comment: event.comment,
    round: change.approvalRound,
    groups: check.groups,
    level: check.level,
  };
  const recorded = { ...change, approvals: [...change.approvals, record] };
  const evaluation = evaluateApprovals(recorded, ctx.approvals, ctx.at);
  if (!evaluation.authorized) return accepted(recorded);
  const approvedBy = [...new Set(evaluation.groups.flatMap((g) => g.approvedBy))].sort();
  const note = `authorized by ${approvedBy.join(", ")}`;
  return accepted(moveTo(recorded, "Scheduled", ctx.at, event.by, note), [
    { kind: "authorized", approvedBy },
  ]);
}

/** Records a rejection (with its comment): the round ends and the change returns to New. */
export function reject(
  change: ChangeRequest,
  event: Extract<ChangeEvent, { kind: "reject" }>,
  ctx: ChangeContext,
): ChangeTransition {
  if (change.state !== "Authorize") return wrongState(change, "rejecting", ["Authorize"]);
  if (event.comment.trim() === "")
    return refused({
      kind: "comment-required",
      message: "a rejection needs a comment saying what to change",
    });
  const check = checkRejecter(change, ctx.approvals, ctx.at, event.by);
  if (check.kind === "refused")
    return refused({ kind: "approver-refused", refusal: check.refusal, message: check.refusal.message });
  const record = {
    by: event.by,
    decision: "rejected" as const,
    at: ctx.at,
    comment: event.comment,
    round: change.approvalRound,
    groups: check.groups,
    level: check.level,
  };
  const recorded = { ...change, approvals: [...change.approvals, record] };
  const ended = endRound(recorded, {
    kind: "rejected",
    round: change.approvalRound,
    at: ctx.at,
    by: event.by,
    comment: event.comment,
  });
  const effects = [
    {
      kind: "approvals-canceled" as const,
      round: change.approvalRound,
      reason: `rejected by ${event.by}: ${event.comment}`,
    },
  ];
  return accepted(moveTo(ended, "New", ctx.at, event.by, `rejected: ${event.comment}`), effects);
}
