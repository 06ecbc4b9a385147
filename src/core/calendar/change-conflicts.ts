import type { CalendarWorld } from "./calendar-world.js";
import type { ChangeConflict } from "./conflict.js";
import { relatedSet } from "./related-services.js";
import type { SlotScope } from "./slot-scope.js";
import { intersectRange, isoInstant, type TimeRange } from "./time-range.js";

/**
 * Scheduled or implementing changes in the same environment that overlap the slot and touch a
 * changed service, a dependent or a dependency. Relatedness is transitive both ways, so if A
 * conflicts with B then B conflicts with A. An emergency may go ahead (it is coordination, not a ban).
 */
export function changeConflicts(
  world: CalendarWorld,
  scope: SlotScope,
  slot: TimeRange & { readonly id?: string; readonly environment: string },
): readonly ChangeConflict[] {
  const related = relatedSet(scope.related);
  const out: ChangeConflict[] = [];
  for (const change of world.changes) {
    if (change.id === slot.id || change.environment !== slot.environment) continue;
    const overlap = intersectRange(change, slot);
    if (overlap === undefined) continue;
    const shared = change.services.filter((s) => related.has(s));
    if (shared.length === 0) continue;
    out.push({
      kind: "change",
      change: change.id,
      services: shared,
      start: isoInstant(overlap.start),
      end: isoInstant(overlap.end),
      ...(change.owner === undefined ? {} : { owner: change.owner }),
      emergencyOverride: true,
      message:
        `change ${change.id} (${change.state}) on ${shared.join(", ")} in ${change.environment} ` +
        `overlaps ${isoInstant(overlap.start)}–${isoInstant(overlap.end)}` +
        (change.owner === undefined ? "" : `; owner ${change.owner}`),
    });
  }
  return out;
}
