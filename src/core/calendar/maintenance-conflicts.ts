import { type CalendarIndex, indexedOccurrences } from "./calendar-index.js";
import type { MaintenanceConflict } from "./conflict.js";
import type { SlotScope } from "./slot-scope.js";
import { complementRanges, isoInstant, type TimeRange } from "./time-range.js";

/**
 * When maintenance windows apply to the slot's scope, they are the only times it may change:
 * each part of the slot no maintenance occurrence covers is a conflict. No windows, no limit.
 */
export function maintenanceConflicts(
  index: CalendarIndex,
  scope: SlotScope,
  slot: TimeRange,
): readonly MaintenanceConflict[] {
  const windows = index.windows.filter(
    (e) => e.window.spec.kind === "maintenance" && scope.appliesTo(e.window),
  );
  if (windows.length === 0) return [];
  const open = windows.flatMap((e) => indexedOccurrences(e, slot));
  const names = windows.map((e) => `${e.window.calendar}/${e.window.spec.name}`).join(", ");
  const owners = [...new Set(windows.flatMap((e) => (e.window.spec.owner ? [e.window.spec.owner] : [])))];
  const override = windows.every((e) => e.window.spec.emergencyOverride ?? false);
  return complementRanges(open, slot).map((gap) => ({
    kind: "outside-maintenance",
    window: names,
    start: isoInstant(gap.start),
    end: isoInstant(gap.end),
    ...(owners.length === 0 ? {} : { owner: owners.join(", ") }),
    emergencyOverride: override,
    message:
      `${isoInstant(gap.start)}–${isoInstant(gap.end)} is outside the maintenance windows (${names})` +
      `; emergency override ${override ? "allowed" : "not allowed"}`,
  }));
}
