import { InputError } from "../errors/domain-error.js";
import type { BlockedDay } from "./blocked-days.js";
import { type CalendarIndex, indexCalendars } from "./calendar-index.js";
import type { CalendarWorld } from "./calendar-world.js";
import type { ResourceNeed } from "./change-slot.js";
import { checkSlot } from "./check-slot.js";
import { DEFAULT_HORIZON_MS, findSlots } from "./find-slots.js";
import { slotConstraints, teamHoursConstraint } from "./slot-constraints.js";
import { complementRanges, isoInstant, type TimeRange } from "./time-range.js";
import type { Team } from "./working-hours.js";

/** One region's part of a cutover: an environment, what changes there, and the teams that work on it. */
export interface CutoverWave {
  readonly environment: string;
  readonly services: readonly string[];
  readonly durationMs: number;
  readonly needs?: readonly ResourceNeed[];
  readonly teams: readonly Team[];
}

/** A cutover across regions, wave after wave in the order given. */
export interface CutoverRequest {
  /** The release track; its own changes and bookings never compete with it. */
  readonly id?: string;
  readonly waves: readonly CutoverWave[];
  readonly after: number;
  /** Every wave starts within this; 90 days when left out. */
  readonly horizonMs?: number;
  readonly stepMs?: number;
  /** How much later than the follow-the-sun plan the overlap plan may start and still be preferred; 7 days. */
  readonly overlapPatienceMs?: number;
}

/** Where and when one wave runs, and which teams are at work on it. */
export interface ScheduledWave {
  readonly environment: string;
  readonly start: string;
  readonly end: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly teams: readonly string[];
}

/** `overlap`: all waves back to back while every involved team is at work; `follow-the-sun`: each wave in its region's hours. */
export type CutoverCoverage = "overlap" | "follow-the-sun";

export interface CutoverPlan {
  readonly coverage: CutoverCoverage;
  readonly waves: readonly ScheduledWave[];
}

export type CutoverSuggestion =
  | (CutoverPlan & { readonly kind: "found"; readonly alternative?: CutoverPlan })
  | {
      readonly kind: "none";
      /** The first wave that cannot be placed, and what blocks each candidate day for it. */
      readonly environment: string;
      readonly days: readonly BlockedDay[];
    };

const DEFAULT_STEP_MS = 15 * 60_000;
const WEEK_MS = 7 * 86_400_000;

/**
 * Schedules a cutover that spans regions. Preferred: the overlap of all involved teams' hours,
 * holding every wave back to back. Otherwise the sun is followed: each wave at the earliest
 * conflict-free time after the previous one, within its own region's teams' hours. The overlap
 * plan is chosen when it starts at most `overlapPatienceMs` after the follow-the-sun plan.
 */
export function scheduleCutover(
  world: CalendarWorld,
  request: CutoverRequest,
  index?: CalendarIndex,
): CutoverSuggestion {
  if (request.waves.length === 0)
    throw new InputError("calendar.cutover", "a cutover needs at least one wave");
  const horizon = request.horizonMs ?? DEFAULT_HORIZON_MS;
  const total = request.waves.reduce((s, w) => s + w.durationMs, 0);
  const used =
    index ?? indexCalendars(world.calendars, { start: request.after, end: request.after + horizon + total });
  const sun = followTheSun(world, request, horizon, used);
  if (sun.kind === "none") return sun;
  const overlap = overlapPlan(world, request, horizon, used);
  const patience = request.overlapPatienceMs ?? WEEK_MS;
  if (overlap !== undefined && overlap.waves[0]!.startMs <= sun.plan.waves[0]!.startMs + patience)
    return { kind: "found", ...overlap, alternative: sun.plan };
  return { kind: "found", ...sun.plan, ...(overlap === undefined ? {} : { alternative: overlap }) };
}

function followTheSun(
  world: CalendarWorld,
  request: CutoverRequest,
  horizon: number,
  index: CalendarIndex,
): { kind: "found"; plan: CutoverPlan } | { kind: "none"; environment: string; days: readonly BlockedDay[] } {
  const last = request.after + horizon;
  const waves: ScheduledWave[] = [];
  let after = request.after;
  for (const wave of request.waves) {
    const answer = findSlots(
      world,
      {
        ...(request.id === undefined ? {} : { id: request.id }),
        environment: wave.environment,
        services: wave.services,
        durationMs: wave.durationMs,
        ...(wave.needs === undefined ? {} : { needs: wave.needs }),
        teams: wave.teams,
        after,
        horizonMs: Math.max(1, last - after),
        count: 1,
        stepMs: request.stepMs ?? DEFAULT_STEP_MS,
      },
      index,
    );
    if (answer.kind === "none") return { kind: "none", environment: wave.environment, days: answer.days };
    const slot = answer.slots[0]!;
    waves.push(scheduled(wave, slot.startMs, wave.teams));
    after = slot.endMs;
  }
  return { kind: "found", plan: { coverage: "follow-the-sun", waves } };
}

// Start s of the first wave; wave i runs from s + (durations before it). Each wave's forbidden
// starts, shifted back by its offset, plus every team's shared hours over the whole cutover.
function overlapPlan(
  world: CalendarWorld,
  request: CutoverRequest,
  horizon: number,
  index: CalendarIndex,
): CutoverPlan | undefined {
  const step = request.stepMs ?? DEFAULT_STEP_MS;
  const teams = [...new Map(request.waves.flatMap((w) => w.teams).map((t) => [t.name, t])).values()];
  const total = request.waves.reduce((s, w) => s + w.durationMs, 0);
  const starts: TimeRange = { start: request.after, end: request.after + horizon };
  const blocked: TimeRange[] = [];
  let offset = 0;
  for (const wave of request.waves) {
    const shifted = { start: starts.start + offset, end: starts.end + offset };
    const shape = { ...wave, teams, ...(request.id === undefined ? {} : { id: request.id }) };
    for (const c of slotConstraints(world, index, shape, shifted))
      for (const r of c.blockedStarts) blocked.push({ start: r.start - offset, end: r.end - offset });
    offset += wave.durationMs;
  }
  const hours = teamHoursConstraint(index, teams, total, starts, "overlap");
  if (hours !== undefined) blocked.push(...hours.blockedStarts);
  for (const range of complementRanges(blocked, starts)) {
    const s = Math.ceil(range.start / step) * step;
    if (s >= range.end) continue;
    const waves: ScheduledWave[] = [];
    let at = s;
    for (const wave of request.waves) {
      waves.push(scheduled(wave, at, teams));
      assertConflictFree(world, request.id, wave, at, teams, index);
      at += wave.durationMs;
    }
    return { coverage: "overlap", waves };
  }
  return undefined;
}

function scheduled(wave: CutoverWave, start: number, teams: readonly Team[]): ScheduledWave {
  return {
    environment: wave.environment,
    start: isoInstant(start),
    end: isoInstant(start + wave.durationMs),
    startMs: start,
    endMs: start + wave.durationMs,
    teams: teams.map((t) => t.name),
  };
}

// As in findSlots: the interval arithmetic must agree with checkSlot; a disagreement is a bug.
function assertConflictFree(
  world: CalendarWorld,
  id: string | undefined,
  wave: CutoverWave,
  start: number,
  teams: readonly Team[],
  index: CalendarIndex,
) {
  const { conflicts } = checkSlot(
    world,
    {
      ...(id === undefined ? {} : { id }),
      environment: wave.environment,
      services: wave.services,
      start,
      end: start + wave.durationMs,
      ...(wave.needs === undefined ? {} : { needs: wave.needs }),
      teams: teams.map((t) => t.name),
    },
    index,
  );
  if (conflicts.length > 0)
    throw new Error(`cutover overlap plan has a conflicting wave: ${conflicts[0]?.message}`);
}
