/**
 * A manual smoke checklist: items a person ticks pass or fail with a note. The step waits until
 * every item is ticked; one failed item fails it. A later tick of the same item replaces the
 * earlier one (a person may correct a mistake), and the record keeps both.
 */

export interface ChecklistTick {
  readonly item: string;
  readonly result: "pass" | "fail";
  readonly note: string | null;
  readonly by: string;
  /** ISO time. */
  readonly at: string;
}

export type ChecklistStatus =
  | {
      readonly kind: "waiting";
      readonly pending: readonly string[];
      readonly ticks: readonly ChecklistTick[];
    }
  | {
      readonly kind: "failed";
      readonly failed: readonly ChecklistTick[];
      readonly ticks: readonly ChecklistTick[];
    }
  | { readonly kind: "passed"; readonly ticks: readonly ChecklistTick[] };

/** The checklist's state from its items and every tick so far (oldest first). */
export function checklistStatus(items: readonly string[], ticks: readonly ChecklistTick[]): ChecklistStatus {
  const latest = new Map<string, ChecklistTick>();
  for (const t of ticks) if (items.includes(t.item)) latest.set(t.item, t);
  const current = items.flatMap((i) => {
    const t = latest.get(i);
    return t === undefined ? [] : [t];
  });
  const failed = current.filter((t) => t.result === "fail");
  if (failed.length > 0) return { kind: "failed", failed, ticks: current };
  const pending = items.filter((i) => !latest.has(i));
  if (pending.length > 0) return { kind: "waiting", pending, ticks: current };
  return { kind: "passed", ticks: current };
}

/** "item: note" lines of failed ticks, for a step's message. */
export function describeFailedTicks(failed: readonly ChecklistTick[]): string {
  return failed.map((t) => `"${t.item}" failed by ${t.by}${t.note ? `: ${t.note}` : ""}`).join("; ");
}
