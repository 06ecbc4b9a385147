import { type CalendarIndex, indexedOccurrences } from "./calendar-index.js";
import type { CalendarWorld } from "./calendar-world.js";
import type { ResourceNeed } from "./change-slot.js";
import { indexedWorkingHours } from "./indexed-working-hours.js";
import { relatedSet } from "./related-services.js";
import { findResource, resourceObstacles } from "./resource-obstacles.js";
import { slotScope } from "./slot-scope.js";
import {
  clipRanges,
  complementRanges,
  intersectRangeSets,
  mergeRanges,
  type TimeRange,
} from "./time-range.js";
import type { Team } from "./working-hours.js";

/** One reason a start time is impossible, with every start instant it rules out. */
export interface SlotConstraint {
  readonly kind: "window" | "maintenance" | "change" | "resource" | "team-hours";
  readonly label: string;
  /** Start instants this constraint forbids (merged, within the search range). */
  readonly blockedStarts: readonly TimeRange[];
}

/** What the assistant is asked to place. */
export interface SlotShape {
  readonly id?: string;
  readonly environment: string;
  readonly services: readonly string[];
  readonly durationMs: number;
  readonly needs?: readonly ResourceNeed[];
  readonly teams?: readonly Team[];
}

/** How the involved teams' hours are applied: all at work together, or at least one at every moment. */
export type TeamCoverage = "overlap" | "handover";

/**
 * Every constraint of `checkSlot` turned into sets of forbidden start times, so
 * feasible starts are the complement of their union. A slot [s, s+d) meets an obstacle [a, b)
 * iff a-d < s < b; it fits inside an allowed range [x, y) iff x ≤ s ≤ y-d.
 */
export function slotConstraints(
  world: CalendarWorld,
  index: CalendarIndex,
  shape: SlotShape,
  starts: TimeRange,
): readonly SlotConstraint[] {
  const d = shape.durationMs;
  const reach: TimeRange = { start: starts.start, end: starts.end + d };
  const scope = slotScope(world, { ...shape, teams: shape.teams?.map((t) => t.name) });
  const hit = (obstacles: readonly TimeRange[], offset = 0, length = d): TimeRange[] =>
    obstacles.map((o) => ({ start: o.start - offset - length + 1, end: o.end - offset }));
  const inside = (allowed: readonly TimeRange[]) => startsInside(allowed, d, starts);
  const out: SlotConstraint[] = [];
  const maintenance = index.windows.filter(
    (e) => e.window.spec.kind === "maintenance" && scope.appliesTo(e.window),
  );
  for (const entry of index.windows) {
    const { spec, calendar } = entry.window;
    if (spec.kind === "maintenance" || !scope.appliesTo(entry.window)) continue;
    out.push({
      kind: "window",
      label: `${spec.kind} ${calendar}/${spec.name}`,
      blockedStarts: hit(indexedOccurrences(entry, reach)),
    });
  }
  if (maintenance.length > 0) {
    const names = maintenance.map((e) => `${e.window.calendar}/${e.window.spec.name}`).join(", ");
    const open = maintenance.flatMap((e) => indexedOccurrences(e, reach));
    out.push({ kind: "maintenance", label: `outside maintenance (${names})`, blockedStarts: inside(open) });
  }
  const related = relatedSet(scope.related);
  for (const c of world.changes) {
    if (c.id === shape.id || c.environment !== shape.environment || !c.services.some((s) => related.has(s)))
      continue;
    out.push({
      kind: "change",
      label: `change ${c.id}`,
      blockedStarts: hit([c].filter((r) => r.end > reach.start && r.start < reach.end)),
    });
  }
  for (const need of shape.needs ?? []) {
    const resource = findResource(world, need.resource);
    const offset = need.offsetMs ?? 0;
    const length = Math.min(d - offset, need.durationMs ?? d - offset);
    if (length <= 0) continue;
    const obstacles = resourceObstacles(world, index, resource, need.units, shape.id, reach);
    const full = obstacles.flatMap((o) => (o.kind === "over-capacity" ? [o.range] : []));
    const holders = [
      ...new Set(
        obstacles.flatMap((o) => (o.kind === "over-capacity" ? o.bookings.map((b) => b.holder) : [])),
      ),
    ];
    out.push({
      kind: "resource",
      label: `${resource.name} over capacity (${holders.join(", ") || "too many units"})`,
      blockedStarts: hit(full, offset, length),
    });
    const closed = obstacles.flatMap((o) => (o.kind === "unavailable" ? [o.range] : []));
    out.push({
      kind: "resource",
      label: `${resource.name} not available`,
      blockedStarts: hit(closed, offset, length),
    });
  }
  return out.map((c) => ({ ...c, blockedStarts: clipRanges(c.blockedStarts, starts) }));
}

/** The teams' working hours as a constraint on start times: all at work together, or one at least. */
export function teamHoursConstraint(
  index: CalendarIndex,
  teams: readonly Team[],
  durationMs: number,
  starts: TimeRange,
  coverage: TeamCoverage,
): SlotConstraint | undefined {
  if (teams.length === 0) return undefined;
  const reach: TimeRange = { start: starts.start, end: starts.end + durationMs };
  const hours = teams.map((t) => indexedWorkingHours(index, t.workingHours, t.timeZone, reach));
  const allowed =
    coverage === "overlap" ? hours.reduce((a, b) => intersectRangeSets(a, b)) : mergeRanges(hours.flat());
  return {
    kind: "team-hours",
    label: `${coverage === "overlap" ? "shared" : "combined"} working hours of ${teams.map((t) => t.name).join(", ")}`,
    blockedStarts: startsInside(allowed, durationMs, starts),
  };
}

/** Start times at which a slot of `durationMs` does not fit wholly inside one of the `allowed` ranges. */
function startsInside(
  allowed: readonly TimeRange[],
  durationMs: number,
  starts: TimeRange,
): readonly TimeRange[] {
  return complementRanges(
    mergeRanges(allowed).map((r) => ({ start: r.start, end: r.end - durationMs + 1 })),
    starts,
  );
}
