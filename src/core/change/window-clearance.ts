import type { Conflict } from "../calendar/conflict.js";
import type { PolicySpec } from "../documents/kinds/policy.js";
import type { ChangeType } from "./change-state.js";

/** Whether a change may hold its window, and what it needs if it may. */
export interface WindowClearance {
  /** Conflicts that refuse the window, each with its message (window, owner, overlap). */
  readonly blocking: readonly Conflict[];
  /** Conflicts waived because the change is an emergency and the window allows it. */
  readonly overridden: readonly Conflict[];
  /** Audit windows the change falls in, which add the Policy's audit approver group. */
  readonly audits: readonly Conflict[];
  /** The extra approval group audit windows require, when any applies. */
  readonly extraGroup: string | undefined;
}

/**
 * Decides a change window against the calendar's conflicts: freezes, blackouts, time outside
 * maintenance windows and overlapping changes refuse it, unless the change is an emergency, the
 * conflict's window allows an emergency override and the Policy does not forbid skipping freezes
 * (`emergency.skipFreeze: false`). An audit window needs the Policy's `auditWindows.approverGroup`
 * as an extra approval; without one it refuses the window like a freeze.
 */
export function clearWindow(
  conflicts: readonly Conflict[],
  type: ChangeType,
  policy: PolicySpec | undefined,
): WindowClearance {
  const mayOverride = type === "emergency" && policy?.emergency?.skipFreeze !== false;
  const auditGroup = policy?.auditWindows?.approverGroup;
  const blocking: Conflict[] = [];
  const overridden: Conflict[] = [];
  const audits: Conflict[] = [];
  for (const c of conflicts) {
    if (c.kind === "resource" || c.kind === "resource-unavailable") continue; // changes book no resources yet
    if (c.kind === "audit" && auditGroup !== undefined) {
      audits.push(c);
      continue;
    }
    if (mayOverride && c.emergencyOverride) overridden.push(c);
    else blocking.push(c);
  }
  return { blocking, overridden, audits, extraGroup: audits.length > 0 ? auditGroup : undefined };
}

/** One sentence refusing a window, naming every blocking window and its owner. */
export function describeBlockedWindow(changeNumber: string, blocking: readonly Conflict[]): string {
  const reasons = blocking.map((c) => c.message).join("; ");
  return `${changeNumber}'s window conflicts with the calendar: ${reasons}. Choose another window (\`upshift schedule\` suggests free slots)`;
}
