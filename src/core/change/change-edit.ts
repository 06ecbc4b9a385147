import type { ScopedService } from "./approval/approval-subject.js";
import type { ChangeEvent } from "./change-event.js";
import type { ChangeRequest, ChangeWindow, PlanReference } from "./change-request.js";

type Edit = Extract<ChangeEvent, { kind: "edit" }>;

/**
 * What an edit changes, one sentence per aspect ("window moved from … to …"), so invalidated
 * approvals can say why; empty when the edit restates what the change already holds.
 */
export function describeEdit(change: ChangeRequest, edit: Edit): string[] {
  const changed: string[] = [];
  if (edit.plan !== undefined && !samePlan(change.plan, edit.plan)) {
    changed.push(
      `plan changed from ${change.plan.id} (${short(change.plan.digest)}) to ${edit.plan.id} (${short(edit.plan.digest)})`,
    );
  }
  if (edit.window !== undefined && !sameWindow(change.window, edit.window)) {
    changed.push(`window changed from ${formatWindow(change.window)} to ${formatWindow(edit.window)}`);
  }
  if (edit.scope !== undefined) {
    const scope = describeScope(change.scope, edit.scope);
    if (scope !== undefined) changed.push(scope);
  }
  return changed;
}

function samePlan(a: PlanReference, b: PlanReference): boolean {
  const ga = Object.entries(a.generations).sort(([x], [y]) => x.localeCompare(y));
  const gb = Object.entries(b.generations).sort(([x], [y]) => x.localeCompare(y));
  return a.id === b.id && a.digest === b.digest && JSON.stringify(ga) === JSON.stringify(gb);
}

function sameWindow(a: ChangeWindow | undefined, b: ChangeWindow): boolean {
  return a !== undefined && a.start === b.start && a.end === b.end;
}

function describeScope(
  before: readonly ScopedService[],
  after: readonly ScopedService[],
): string | undefined {
  const names = (list: readonly ScopedService[]) => new Set(list.map((s) => s.name));
  const [was, is] = [names(before), names(after)];
  const added = [...is].filter((n) => !was.has(n)).sort();
  const removed = [...was].filter((n) => !is.has(n)).sort();
  const key = (s: ScopedService) => JSON.stringify([s.tier ?? null, Object.entries(s.labels).sort()]);
  const beforeByName = new Map(before.map((s) => [s.name, key(s)]));
  const altered = after
    .filter((s) => was.has(s.name) && beforeByName.get(s.name) !== key(s))
    .map((s) => s.name)
    .sort();
  const parts = [
    added.length > 0 ? `added ${added.join(", ")}` : "",
    removed.length > 0 ? `removed ${removed.join(", ")}` : "",
    altered.length > 0 ? `tier or labels of ${altered.join(", ")} changed` : "",
  ].filter((p) => p !== "");
  return parts.length === 0 ? undefined : `scope changed: ${parts.join("; ")}`;
}

function formatWindow(w: ChangeWindow | undefined): string {
  return w === undefined ? "none" : `${new Date(w.start).toISOString()}–${new Date(w.end).toISOString()}`;
}

function short(digest: string): string {
  return digest.length > 19 ? `${digest.slice(0, 19)}…` : digest;
}
