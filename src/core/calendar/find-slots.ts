import { InputError } from "../errors/domain-error.js";
import { type BlockedDay, blockedDays } from "./blocked-days.js";
import { type CalendarIndex, indexCalendars } from "./calendar-index.js";
import type { CalendarWorld } from "./calendar-world.js";
import { checkSlot } from "./check-slot.js";
import {
  type SlotShape,
  slotConstraints,
  type TeamCoverage,
  teamHoursConstraint,
} from "./slot-constraints.js";
import { complementRanges, isoInstant, type TimeRange } from "./time-range.js";

/** `upshift schedule`: place a change of a given duration after `after`. */
export interface SlotRequest extends SlotShape {
  readonly after: number;
  /** How far ahead start times are searched; 90 days when left out. */
  readonly horizonMs?: number;
  /** How many slots to propose; 3 when left out. */
  readonly count?: number;
  /** Start times lie on this grid (epoch-aligned); 15 minutes when left out. */
  readonly stepMs?: number;
  /** Zone of the per-day explanation when nothing fits; the environment's zone, else UTC. */
  readonly timeZone?: string;
}

/** A proposed slot and how the involved teams cover it. */
export interface ProposedSlot {
  readonly start: string;
  readonly end: string;
  readonly startMs: number;
  readonly endMs: number;
  /** `overlap`: every team at work throughout; `handover`: at least one at every moment. */
  readonly teamCoverage: TeamCoverage;
}

export type SlotSuggestion =
  | { readonly kind: "found"; readonly slots: readonly ProposedSlot[] }
  | { readonly kind: "none"; readonly days: readonly BlockedDay[] };

export const DEFAULT_HORIZON_MS = 90 * 86_400_000;
const DEFAULT_STEP_MS = 15 * 60_000;

/**
 * The earliest `count` non-overlapping slots free of every conflict `checkSlot` knows, within the
 * teams' working hours: slots where all teams overlap first, then follow-the-sun slots where
 * their hours hand over. When none exists, which constraints block each day of the horizon.
 */
export function findSlots(world: CalendarWorld, request: SlotRequest, index?: CalendarIndex): SlotSuggestion {
  const d = request.durationMs;
  const step = request.stepMs ?? DEFAULT_STEP_MS;
  if (!(d > 0) || !(step > 0))
    throw new InputError("calendar.schedule", "duration and step must be positive");
  const count = request.count ?? 3;
  const starts: TimeRange = {
    start: request.after,
    end: request.after + (request.horizonMs ?? DEFAULT_HORIZON_MS),
  };
  const used = index ?? indexCalendars(world.calendars, { start: starts.start, end: starts.end + d });
  if (used.horizon.start > starts.start || used.horizon.end < starts.end + d) {
    throw new InputError("calendar.schedule", "the calendar index does not cover the search horizon");
  }
  const modes: readonly TeamCoverage[] =
    (request.teams ?? []).length > 1 ? ["overlap", "handover"] : ["overlap"];
  const slots: ProposedSlot[] = [];
  const fixed = slotConstraints(world, used, request, starts);
  let constraints = fixed;
  for (const mode of modes) {
    const team = teamHoursConstraint(used, request.teams ?? [], d, starts, mode);
    constraints = team === undefined ? fixed : [...fixed, team];
    const feasible = complementRanges(
      constraints.flatMap((c) => c.blockedStarts),
      starts,
    );
    for (const range of feasible) {
      let s = Math.ceil(range.start / step) * step;
      while (s < range.end && slots.length < count) {
        if (!slots.some((p) => s < p.endMs && p.startMs < s + d)) {
          slots.push({
            start: isoInstant(s),
            end: isoInstant(s + d),
            startMs: s,
            endMs: s + d,
            teamCoverage: mode,
          });
          s = Math.ceil((s + d) / step) * step;
        } else s += step;
      }
      if (slots.length >= count) break;
    }
    if (slots.length >= count) break;
  }
  for (const slot of slots) assertConflictFree(world, request, slot, used);
  if (slots.length > 0) return { kind: "found", slots };
  const zone = request.timeZone ?? world.environments[request.environment]?.timeZone ?? "UTC";
  return { kind: "none", days: blockedDays(constraints, starts, zone) };
}

// The interval arithmetic above must agree with checkSlot; a disagreement is a bug, never a slot.
function assertConflictFree(
  world: CalendarWorld,
  request: SlotRequest,
  slot: ProposedSlot,
  index: CalendarIndex,
) {
  const { conflicts } = checkSlot(
    world,
    { ...request, teams: request.teams?.map((t) => t.name), start: slot.startMs, end: slot.endMs },
    index,
  );
  if (conflicts.length > 0)
    throw new Error(`scheduling assistant proposed a conflicting slot: ${conflicts[0]?.message}`);
}
