import type { ApprovalRecord } from "./approval-record.js";
import { approvalRequirements, type GroupRequirement } from "./approval-requirements.js";
import type { ApprovalSetup } from "./approval-setup.js";
import type { ApprovalSubject } from "./approval-subject.js";
import { describeQuorum, type QuorumNeed, quorumNeed } from "./quorum.js";
import { dutyConflict, dutyConflictMessage } from "./separation-of-duties.js";

/** Satisfied; pending at the current level; waiting for an earlier level; or never satisfiable. */
export type GroupApprovalStatus = "satisfied" | "pending" | "waiting" | "unsatisfiable";

/** Where one required group stands. */
export interface GroupApproval {
  readonly group: string;
  readonly level: number;
  readonly status: GroupApprovalStatus;
  /** Approvals needed, when the quorum can be met at all. */
  readonly needed: number | undefined;
  readonly approvedBy: readonly string[];
  /** Members allowed to approve for it: separation of duties applied. */
  readonly eligible: readonly string[];
  /** Eligible members who have not approved yet. */
  readonly awaiting: readonly string[];
  readonly expiresAfterSeconds: number | undefined;
  /** One sentence a person can act on. */
  readonly explanation: string;
}

/** An approval that no longer counts, and why. */
export interface DiscountedApproval {
  readonly by: string;
  readonly at: number;
  readonly reason: string;
}

/** Whether a change is authorized, and if not, who still has to act. */
export interface ApprovalEvaluation {
  readonly authorized: boolean;
  /** The lowest level with a group still to approve; undefined when authorized or nothing is required. */
  readonly currentLevel: number | undefined;
  readonly groups: readonly GroupApproval[];
  /** Groups at the current level that still need approvals. */
  readonly stillNeeded: readonly GroupApproval[];
  /** Identities whose approval would count now. */
  readonly mayApprove: readonly string[];
  readonly discounted: readonly DiscountedApproval[];
  readonly matchedRules: readonly string[];
  readonly separationOfDuties: boolean;
  readonly explanation: readonly string[];
}

/**
 * Evaluates a change's approvals at `at` (epoch ms): the current round's approvals count for the
 * groups they were given for, unless expired or given by someone separation of duties bars; levels
 * are sequential, groups within a level parallel (ServiceNow approval rules: "sequential" and
 * "parallel" group approvals).
 */
export function evaluateApprovals(
  subject: ApprovalSubject,
  setup: ApprovalSetup,
  at: number,
): ApprovalEvaluation {
  const req = approvalRequirements(subject, setup);
  const current = subject.approvals.filter(
    (a) => a.round === subject.approvalRound && a.decision === "approved",
  );
  const discounted: DiscountedApproval[] = [];
  const counting = current.filter((a) => {
    const conflict = req.separationOfDuties ? dutyConflict(subject, a.by) : undefined;
    if (conflict !== undefined)
      discounted.push({ by: a.by, at: a.at, reason: dutyConflictMessage(a.by, conflict) });
    return conflict === undefined;
  });
  const evaluated = req.requirements.map((r) =>
    evaluateGroup(r, subject, setup, req.separationOfDuties, counting, at, discounted),
  );
  const open = evaluated.filter((g) => g.status !== "satisfied");
  const currentLevel = open.length === 0 ? undefined : Math.min(...open.map((g) => g.level));
  const groups = evaluated.map((g) =>
    g.status === "pending" && currentLevel !== undefined && g.level > currentLevel
      ? {
          ...g,
          status: "waiting" as const,
          explanation: `${g.group} (level ${g.level}) waits until level ${currentLevel} has approved`,
        }
      : g,
  );
  const stillNeeded = groups.filter((g) => g.level === currentLevel && g.status !== "satisfied");
  const mayApprove = [
    ...new Set(stillNeeded.filter((g) => g.status === "pending").flatMap((g) => g.awaiting)),
  ].sort();
  const authorized = groups.length > 0 && open.length === 0;
  const explanation = [
    ...req.notes,
    ...groups.map((g) => g.explanation),
    ...discounted.map((d) => `not counted: ${d.reason}`),
  ];
  if (groups.length === 0) {
    explanation.push(
      "no approval rule matches this change and its environment names no approval groups, so no one can authorize it",
    );
  }
  return {
    authorized,
    currentLevel,
    groups,
    stillNeeded,
    mayApprove,
    discounted,
    matchedRules: req.matchedRules,
    separationOfDuties: req.separationOfDuties,
    explanation,
  };
}

function evaluateGroup(
  r: GroupRequirement,
  subject: ApprovalSubject,
  setup: ApprovalSetup,
  separationOfDuties: boolean,
  counting: readonly ApprovalRecord[],
  at: number,
  discounted: DiscountedApproval[],
): GroupApproval {
  const members = setup.groupMembers[r.group] ?? [];
  const eligible = members.filter((m) => !separationOfDuties || dutyConflict(subject, m) === undefined);
  const needs = r.quorums.map((q) => [q, quorumNeed(q, members.length, eligible.length)] as const);
  const approvedBy: string[] = [];
  for (const a of counting) {
    if (!a.groups.includes(r.group) || approvedBy.includes(a.by)) continue;
    const expiresAt = r.expiresAfterSeconds === undefined ? undefined : a.at + r.expiresAfterSeconds * 1000;
    if (expiresAt !== undefined && at >= expiresAt) {
      discounted.push({
        by: a.by,
        at: a.at,
        reason: `${a.by}'s approval for ${r.group} expired at ${new Date(expiresAt).toISOString()}`,
      });
      continue;
    }
    approvedBy.push(a.by);
  }
  const awaiting = eligible.filter((m) => !approvedBy.includes(m));
  const base = {
    group: r.group,
    level: r.level,
    approvedBy,
    eligible,
    awaiting,
    expiresAfterSeconds: r.expiresAfterSeconds,
  };
  const impossible = needs.find(([, n]) => n.kind === "unsatisfiable");
  if (impossible !== undefined) {
    const reason = (impossible[1] as Extract<QuorumNeed, { kind: "unsatisfiable" }>).reason;
    return {
      ...base,
      status: "unsatisfiable",
      needed: undefined,
      explanation: `${r.group} can never approve: ${reason}`,
    };
  }
  const [quorum, need] = needs.reduce((a, b) => (count(b[1]) > count(a[1]) ? b : a));
  const needed = count(need);
  const have = `${approvedBy.length} of ${needed} approval${needed === 1 ? "" : "s"} (${describeQuorum(quorum, need)})`;
  if (approvedBy.length >= needed) {
    return {
      ...base,
      status: "satisfied",
      needed,
      explanation: `${r.group}: approved by ${approvedBy.join(", ")}; ${have}`,
    };
  }
  const who = awaiting.length === 0 ? "no one" : awaiting.join(", ");
  return {
    ...base,
    status: "pending",
    needed,
    explanation: `${r.group} (level ${r.level}): ${have}; may approve: ${who}`,
  };
}

function count(need: QuorumNeed): number {
  return need.kind === "count" ? need.count : Number.POSITIVE_INFINITY;
}
