import { NotFoundError } from "../errors/domain-error.js";
import { type CalendarIndex, indexedOccurrences } from "./calendar-index.js";
import type { Booking, CalendarWorld, NamedResource } from "./calendar-world.js";
import { indexedWorkingHours } from "./indexed-working-hours.js";
import { complementRanges, intersectRange, mergeRanges, type TimeRange } from "./time-range.js";
import { teamFromResource } from "./working-hours.js";

/** Why a Resource cannot give some units over a range. */
export type ResourceObstacle =
  | {
      readonly kind: "over-capacity";
      readonly range: TimeRange;
      readonly demand: number;
      readonly bookings: readonly Booking[];
    }
  | { readonly kind: "unavailable"; readonly range: TimeRange; readonly window: string };

/** The Resource document named `name`, or a NotFoundError naming it. */
export function findResource(world: CalendarWorld, name: string): NamedResource {
  const resource = world.resources.find((r) => r.name === name);
  if (resource === undefined) throw new NotFoundError("calendar.resource", `no Resource named "${name}"`);
  return resource;
}

/**
 * Where within `range` the resource cannot also give `units` to `holder`: where the other
 * holders' bookings plus `units` exceed capacity (a sweep over booking edges), where its own
 * calendar has a freeze or blackout, and outside its working hours.
 */
export function resourceObstacles(
  world: CalendarWorld,
  index: CalendarIndex,
  resource: NamedResource,
  units: number,
  holder: string | undefined,
  range: TimeRange,
): readonly ResourceObstacle[] {
  const competing = world.bookings.filter(
    (b) => b.resource === resource.name && b.holder !== holder && b.start < range.end && b.end > range.start,
  );
  const out: ResourceObstacle[] = overCapacity(competing, resource.spec.capacity, units, range);
  for (const entry of index.windows) {
    const { spec } = entry.window;
    if (
      entry.window.calendar !== resource.spec.calendar ||
      (spec.kind !== "freeze" && spec.kind !== "blackout")
    )
      continue;
    for (const o of indexedOccurrences(entry, range)) {
      const shared = intersectRange(o, range);
      if (shared)
        out.push({ kind: "unavailable", range: shared, window: `${entry.window.calendar}/${spec.name}` });
    }
  }
  const team = teamFromResource(resource.name, resource.spec);
  if (team !== undefined) {
    const open = indexedWorkingHours(index, team.workingHours, team.timeZone, range);
    for (const closed of complementRanges(open, range))
      out.push({ kind: "unavailable", range: closed, window: "working-hours" });
  }
  return out;
}

/** Ranges where the competing bookings plus `units` exceed `capacity`, with the bookings present there. */
function overCapacity(
  bookings: readonly Booking[],
  capacity: number,
  units: number,
  range: TimeRange,
): ResourceObstacle[] {
  const room = capacity - units;
  if (room < 0) return [{ kind: "over-capacity", range, demand: units, bookings: [] }];
  const edges = [...new Set(bookings.flatMap((b) => [b.start, b.end]).concat([range.start, range.end]))]
    .filter((t) => t >= range.start && t <= range.end)
    .sort((a, b) => a - b);
  const segments: { range: TimeRange; present: Booking[]; load: number }[] = [];
  for (let i = 0; i + 1 < edges.length; i++) {
    const seg = { start: edges[i]!, end: edges[i + 1]! };
    const present = bookings.filter((b) => b.start < seg.end && b.end > seg.start);
    const load = present.reduce((sum, b) => sum + b.units, 0);
    if (load > room) segments.push({ range: seg, present, load });
  }
  return mergeRanges(segments.map((s) => s.range)).map((merged) => {
    const inside = segments.filter((s) => s.range.start >= merged.start && s.range.end <= merged.end);
    const present = [...new Set(inside.flatMap((s) => s.present))];
    const demand = Math.max(...inside.map((s) => s.load)) + units;
    return { kind: "over-capacity" as const, range: merged, demand, bookings: present };
  });
}
