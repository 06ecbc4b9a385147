import type { CalendarIndex } from "./calendar-index.js";
import type { CalendarWorld } from "./calendar-world.js";
import { type ChangeSlot, needRange } from "./change-slot.js";
import type { ResourceConflict, ResourceUnavailableConflict } from "./conflict.js";
import { findResource, resourceObstacles } from "./resource-obstacles.js";
import { isoInstant } from "./time-range.js";

/**
 * Each resource need of the slot against the other holders' bookings and the resource's own
 * availability. Over capacity is not overridable by an emergency: the second DBA does not exist.
 */
export function resourceConflicts(
  world: CalendarWorld,
  index: CalendarIndex,
  slot: ChangeSlot,
): readonly (ResourceConflict | ResourceUnavailableConflict)[] {
  const out: (ResourceConflict | ResourceUnavailableConflict)[] = [];
  for (const need of slot.needs ?? []) {
    const resource = findResource(world, need.resource);
    const range = needRange(need, slot.start, slot.end - slot.start);
    if (range.start >= range.end) continue;
    const owner = resource.spec.owner === undefined ? {} : { owner: resource.spec.owner };
    for (const obstacle of resourceObstacles(world, index, resource, need.units, slot.id, range)) {
      const start = isoInstant(obstacle.range.start);
      const end = isoInstant(obstacle.range.end);
      switch (obstacle.kind) {
        case "over-capacity": {
          const holders = [...new Set(obstacle.bookings.map((b) => b.holder))];
          out.push({
            kind: "resource",
            resource: resource.name,
            capacity: resource.spec.capacity,
            demand: obstacle.demand,
            bookings: obstacle.bookings.map((b) => b.id),
            holders,
            start,
            end,
            ...owner,
            emergencyOverride: false,
            message:
              `${resource.name} would be booked ${obstacle.demand}/${resource.spec.capacity} ${start}–${end}` +
              (holders.length > 0
                ? `; competing bookings: ${obstacle.bookings.map((b) => `${b.id} (${b.holder})`).join(", ")}`
                : ""),
          });
          break;
        }
        case "unavailable":
          out.push({
            kind: "resource-unavailable",
            resource: resource.name,
            window: obstacle.window,
            start,
            end,
            ...owner,
            emergencyOverride: false,
            message: `${resource.name} is not available ${start}–${end} (${obstacle.window})`,
          });
          break;
        default: {
          const never: never = obstacle;
          throw new Error(`unhandled obstacle ${JSON.stringify(never)}`);
        }
      }
    }
  }
  return out;
}
