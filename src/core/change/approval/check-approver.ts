import { approvalRequirements } from "./approval-requirements.js";
import type { ApprovalSetup } from "./approval-setup.js";
import type { ApprovalSubject } from "./approval-subject.js";
import { type ApprovalEvaluation, evaluateApprovals } from "./evaluate-approvals.js";
import { dutyConflict, dutyConflictMessage } from "./separation-of-duties.js";

/** Why someone may not approve (or reject) a change now. */
export type ApproverRefusal =
  | { readonly kind: "separation-of-duties"; readonly message: string }
  | { readonly kind: "not-emergency-approver"; readonly message: string }
  | { readonly kind: "not-in-required-group"; readonly message: string }
  | { readonly kind: "level-not-reached"; readonly message: string }
  | { readonly kind: "already-approved"; readonly message: string }
  | { readonly kind: "nothing-to-approve"; readonly message: string };

/** For which groups an identity may approve now, or why not. */
export type ApproverCheck =
  | { readonly kind: "may-approve"; readonly groups: readonly string[]; readonly level: number }
  | { readonly kind: "refused"; readonly refusal: ApproverRefusal };

/** Whether `identity` may approve the change now, and for which groups; every refusal says why. */
export function checkApprover(
  subject: ApprovalSubject,
  setup: ApprovalSetup,
  at: number,
  identity: string,
  evaluation: ApprovalEvaluation = evaluateApprovals(subject, setup, at),
): ApproverCheck {
  const refuse = (kind: ApproverRefusal["kind"], message: string): ApproverCheck => ({
    kind: "refused",
    refusal: { kind, message },
  });
  const conflict = dutyConflict(subject, identity);
  if (evaluation.separationOfDuties && conflict !== undefined) {
    return refuse("separation-of-duties", dutyConflictMessage(identity, conflict));
  }
  const memberOf = (group: string) => (setup.groupMembers[group] ?? []).includes(identity);
  const emergency = setup.emergencyApproverGroups;
  if (subject.type === "emergency" && emergency !== undefined && !emergency.some(memberOf)) {
    return refuse(
      "not-emergency-approver",
      `${identity} is not in the emergency approver set (${emergency.join(", ")})`,
    );
  }
  if (evaluation.authorized || evaluation.currentLevel === undefined) {
    return refuse("nothing-to-approve", `${subject.number} needs no further approval`);
  }
  const level = evaluation.currentLevel;
  const pendingHere = evaluation.stillNeeded.filter((g) => g.status === "pending" && memberOf(g.group));
  const forGroups = pendingHere.filter((g) => g.awaiting.includes(identity)).map((g) => g.group);
  if (forGroups.length > 0) return { kind: "may-approve", groups: forGroups, level };
  if (pendingHere.length > 0) {
    return refuse(
      "already-approved",
      `${identity} has already approved for ${pendingHere.map((g) => g.group).join(", ")}`,
    );
  }
  const later = evaluation.groups.filter((g) => g.level > level && memberOf(g.group));
  if (later.length > 0) {
    const first = evaluation.stillNeeded.map((g) => g.group).join(", ");
    return refuse(
      "level-not-reached",
      `${identity} approves for ${later.map((g) => g.group).join(", ")} at level ${later[0]?.level}; level ${level} (${first}) must approve first`,
    );
  }
  const required = approvalRequirements(subject, setup).requirements.map((r) => r.group);
  const needed = evaluation.stillNeeded.map((g) => g.group).join(", ");
  const satisfied = evaluation.groups
    .filter((g) => g.status === "satisfied" && memberOf(g.group))
    .map((g) => g.group);
  if (satisfied.length > 0) {
    return refuse(
      "not-in-required-group",
      `${satisfied.join(", ")} already has the approvals it needs; still needed: ${needed}`,
    );
  }
  const asked = required.length === 0 ? "no group" : required.join(", ");
  return refuse(
    "not-in-required-group",
    `${identity} is in none of the groups whose approval ${subject.number} needs (${asked})`,
  );
}

/**
 * Whether `identity` may reject the change now: anyone who may approve, and any member of a
 * required group at a level already reached (an app owner who approved may still stop the change).
 */
export function checkRejecter(
  subject: ApprovalSubject,
  setup: ApprovalSetup,
  at: number,
  identity: string,
): ApproverCheck {
  const evaluation = evaluateApprovals(subject, setup, at);
  const check = checkApprover(subject, setup, at, identity, evaluation);
  if (check.kind === "may-approve") return check;
  if (check.refusal.kind !== "already-approved" && check.refusal.kind !== "not-in-required-group")
    return check;
  const level = evaluation.currentLevel ?? Number.POSITIVE_INFINITY;
  const groups = evaluation.groups
    .filter((g) => g.level <= level && (setup.groupMembers[g.group] ?? []).includes(identity))
    .map((g) => g.group);
  return groups.length === 0 ? check : { kind: "may-approve", groups, level: evaluation.currentLevel ?? 0 };
}
