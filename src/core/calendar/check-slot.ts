import { InputError } from "../errors/domain-error.js";
import { type CalendarIndex, indexCalendars } from "./calendar-index.js";
import type { CalendarWorld } from "./calendar-world.js";
import { changeConflicts } from "./change-conflicts.js";
import type { ChangeSlot } from "./change-slot.js";
import type { ConflictReport } from "./conflict.js";
import { maintenanceConflicts } from "./maintenance-conflicts.js";
import { resourceConflicts } from "./resource-conflicts.js";
import { slotScope } from "./slot-scope.js";
import { windowConflicts } from "./window-conflicts.js";

/**
 * Every conflict of a proposed change slot: freeze/audit/blackout windows of its scope, time
 * outside its maintenance windows, overlapping related changes, and resource bookings. Pass an
 * `index` covering the slot when checking many slots; otherwise the calendars are expanded here.
 */
export function checkSlot(world: CalendarWorld, slot: ChangeSlot, index?: CalendarIndex): ConflictReport {
  if (!(slot.start < slot.end)) {
    throw new InputError("calendar.slot", "the slot's end must be after its start");
  }
  const used = index ?? indexCalendars(world.calendars, slot);
  if (used.horizon.start > slot.start || used.horizon.end < slot.end) {
    throw new InputError("calendar.slot", "the calendar index does not cover the slot");
  }
  const scope = slotScope(world, slot);
  const conflicts = [
    ...windowConflicts(used, scope, slot),
    ...maintenanceConflicts(used, scope, slot),
    ...changeConflicts(world, scope, slot),
    ...resourceConflicts(world, used, slot),
  ].sort((a, b) => a.start.localeCompare(b.start) || a.kind.localeCompare(b.kind));
  return { conflicts };
}
