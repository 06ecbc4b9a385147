import type { JsonValue } from "../../core/audit/canonical-json.js";
import type { ChangeRequest } from "../../core/change/change-request.js";
import { canonicalJson } from "../../core/documents/canonical-json.js";
import type { NewAuditEntry } from "../../store/audit-repository.js";
import type { Actor } from "./change-actor.js";

const iso = (ms: number) => new Date(ms).toISOString();

/** An audit entry about a change, by the acting identity, at `now`. */
export function changeAuditEntry(
  now: number,
  actor: Actor,
  action: string,
  change: ChangeRequest,
  data: Record<string, unknown>,
): NewAuditEntry {
  return { at: iso(now), actor: actor.identity, action, subject: change.number, data: data as JsonValue };
}

/** What an edit changed, one sentence each: the core's invalidation note when approvals were voided. */
export function describeChanged(before: ChangeRequest, after: ChangeRequest): string[] {
  const invalidated = after.endedRounds.find(
    (e) => e.round === before.approvalRound && e.kind === "invalidated",
  );
  if (invalidated !== undefined && invalidated.kind === "invalidated") return [...invalidated.changed];
  const changed: string[] = [];
  if (canonicalJson(before.window ?? null) !== canonicalJson(after.window ?? null))
    changed.push(
      `window changed from ${before.window ? `${iso(before.window.start)}–${iso(before.window.end)}` : "none"} to ${after.window ? `${iso(after.window.start)}–${iso(after.window.end)}` : "none"}`,
    );
  if (before.plan.digest !== after.plan.digest)
    changed.push(`plan changed from ${before.plan.id} to ${after.plan.id}`);
  if (canonicalJson(before.scope) !== canonicalJson(after.scope)) changed.push("scope changed");
  return changed;
}
