import type { ApprovalSetup } from "../../core/change/approval/approval-setup.js";
import { evaluateApprovals } from "../../core/change/approval/evaluate-approvals.js";
import type { Stored } from "./change-service.js";

const iso = (ms: number) => new Date(ms).toISOString();

/** The change as `GET /v1/changes/{number}` and `upshift change show -o json` give it. */
export function presentChange(
  stored: Stored,
  setup: ApprovalSetup,
  now: number,
  runs: readonly { runId: string; startedBy: string; linkedAt: number }[] = [],
) {
  const c = stored.change;
  const d = stored.details;
  const evaluation = evaluateApprovals(c, setup, now);
  return {
    number: c.number,
    type: c.type,
    emergency: c.type === "emergency",
    state: c.state,
    release: c.release,
    environment: c.environment,
    requestedBy: c.requestedBy,
    releaseAuthor: c.releaseAuthor ?? null,
    window: c.window === undefined ? null : { start: iso(c.window.start), end: iso(c.window.end) },
    plan: { ...c.plan, waves: d.waves, estimate: d.estimate },
    services: c.scope,
    dependents: d.dependents,
    rollbackPlan: d.rollback,
    backoutSeconds: d.rollback.backoutSeconds,
    risk: {
      score: d.risk.score,
      band: d.risk.band,
      factors: d.risk.factors,
      assessedAt: iso(d.risk.assessedAt),
    },
    auditApproverGroup: d.auditApproverGroup ?? null,
    overriddenConflicts: d.overriddenConflicts ?? [],
    approval: {
      authorized: c.type === "standard" ? true : evaluation.authorized,
      currentLevel: evaluation.currentLevel ?? null,
      groups: evaluation.groups,
      mayApprove: evaluation.mayApprove,
      explanation: evaluation.explanation,
      matchedRules: evaluation.matchedRules,
    },
    approvals: c.approvals.map((a) => ({ ...a, at: iso(a.at), current: a.round === c.approvalRound })),
    endedRounds: c.endedRounds.map((e) => ({ ...e, at: iso(e.at) })),
    runs: runs.map((r) => ({ runId: r.runId, startedBy: r.startedBy, linkedAt: iso(r.linkedAt) })),
    outcome: c.outcome ?? null,
    retrospective: c.retrospective,
    history: c.history.map((h) => ({ ...h, at: iso(h.at) })),
    createdAt: iso(c.createdAt),
    updatedAt: iso(stored.updatedAt),
  };
}

export type PresentedChange = ReturnType<typeof presentChange>;
