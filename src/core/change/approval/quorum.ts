import type { Quorum } from "./approval-setup.js";

/** How many approvals a group needs, or why it can never give them. */
export type QuorumNeed =
  | { readonly kind: "count"; readonly count: number }
  | { readonly kind: "unsatisfiable"; readonly reason: string };

/**
 * Approvals a group needs. `all` means every member allowed to approve (separation of duties
 * removes some), so a requester inside the group does not block it; a percentage is of all members,
 * rounded up, at least one, as ServiceNow's group approval "percentage" condition counts.
 */
export function quorumNeed(quorum: Quorum, members: number, eligible: number): QuorumNeed {
  if (members === 0) return { kind: "unsatisfiable", reason: "the group has no members" };
  const count = requiredCount(quorum, members, eligible);
  if (count === 0) return { kind: "unsatisfiable", reason: "no member may approve (separation of duties)" };
  if (count > eligible) {
    const who = eligible === 1 ? "1 member" : `${eligible} members`;
    return { kind: "unsatisfiable", reason: `it needs ${count} approvals but only ${who} may approve` };
  }
  return { kind: "count", count };
}

function requiredCount(quorum: Quorum, members: number, eligible: number): number {
  if (quorum === "any") return 1;
  if (quorum === "all") return eligible;
  if (typeof quorum === "number") return quorum;
  const percent = Number(quorum.slice(0, -1));
  return Math.max(1, Math.ceil((percent * members) / 100));
}

/** Quorum in words, for explanations: "any member", "all members", "2 members", "50% (2 of 3)". */
export function describeQuorum(quorum: Quorum, need: QuorumNeed): string {
  if (quorum === "any") return "any member";
  if (quorum === "all") return "all members";
  if (typeof quorum === "number") return quorum === 1 ? "1 member" : `${quorum} members`;
  return need.kind === "count" ? `${quorum} (${need.count})` : quorum;
}
