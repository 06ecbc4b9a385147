import type { ApprovalSubject } from "./approval-subject.js";

/**
 * Why an identity may not approve this change, or undefined. The requester, the release's author
 * and anyone who started a run of it are barred, as SOX-style segregation of duties requires that
 * no one approves their own work.
 */
export function dutyConflict(subject: ApprovalSubject, identity: string): string | undefined {
  if (identity === subject.requestedBy) return "requested this change";
  if (identity === subject.releaseAuthor) return "wrote the release of this change";
  const run = subject.runs.find((r) => r.startedBy === identity);
  if (run !== undefined) return `started run ${run.runId} of this change`;
  return undefined;
}

/** The refusal sentence, e.g. "alice requested this change and cannot approve it (separation of duties)". */
export function dutyConflictMessage(identity: string, conflict: string): string {
  return `${identity} ${conflict} and cannot approve it (separation of duties)`;
}
