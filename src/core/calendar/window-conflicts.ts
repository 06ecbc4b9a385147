import { type CalendarIndex, indexedOccurrences } from "./calendar-index.js";
import type { WindowConflict } from "./conflict.js";
import { describeRange } from "./describe-range.js";
import type { SlotScope } from "./slot-scope.js";
import { intersectRange, isoInstant, type TimeRange } from "./time-range.js";
import { servicesInScope } from "./window-scope.js";

/** Freeze, audit and blackout occurrences that overlap the slot in its scope, one conflict each. */
export function windowConflicts(
  index: CalendarIndex,
  scope: SlotScope,
  slot: TimeRange,
): readonly WindowConflict[] {
  const out: WindowConflict[] = [];
  for (const entry of index.windows) {
    const { spec } = entry.window;
    if (spec.kind === "maintenance" || !scope.appliesTo(entry.window)) continue;
    const kind = spec.kind;
    for (const occurrence of indexedOccurrences(entry, slot)) {
      const overlap = intersectRange(occurrence, slot);
      if (overlap === undefined) continue;
      const touched = servicesInScope(spec.scope, scope.subject.services ?? []).map((s) =>
        scope.related.changed.has(s.name) ? s.name : `${s.name} (dependent)`,
      );
      const override = spec.emergencyOverride ?? false;
      out.push({
        kind,
        window: spec.name,
        calendar: entry.window.calendar,
        start: isoInstant(overlap.start),
        end: isoInstant(overlap.end),
        ...(spec.owner === undefined ? {} : { owner: spec.owner }),
        ...(spec.reason === undefined ? {} : { reason: spec.reason }),
        localStart: occurrence.localStart,
        timeZone: entry.window.timeZone,
        emergencyOverride: override,
        message:
          `${kind} window ${entry.window.calendar}/${spec.name} ` +
          `(${describeRange(occurrence, entry.window.timeZone)}) overlaps the slot ` +
          `${isoInstant(overlap.start)}–${isoInstant(overlap.end)}` +
          (touched.length > 0 ? ` for ${touched.join(", ")}` : "") +
          (spec.reason === undefined ? "" : `: ${spec.reason}`) +
          (spec.owner === undefined ? "" : `; owner ${spec.owner}`) +
          `; emergency override ${override ? "allowed" : "not allowed"}`,
      });
    }
  }
  return out;
}
