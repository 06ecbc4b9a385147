import { DateTime } from "luxon";
import type { ResourceSpec } from "../documents/kinds/resource.js";
import { floatingFromText, floatingOf, resolveLocalTime } from "./local-time.js";
import { mergeRanges, type TimeRange } from "./time-range.js";

export type Weekday = "MO" | "TU" | "WE" | "TH" | "FR" | "SA" | "SU";

/** Local working hours on some weekdays; an end at or before the start runs past midnight. */
export interface WorkingHours {
  readonly days: readonly Weekday[];
  readonly start: string;
  readonly end: string;
}

/** A team that must be at work during a change, in its own zone. */
export interface Team {
  readonly name: string;
  readonly timeZone: string;
  readonly workingHours: WorkingHours;
  /** The region whose environments it works on; a team without one works on every region. */
  readonly region?: string;
}

const WEEKDAYS: readonly Weekday[] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];
const DAY_MS = 86_400_000;

/** A Resource of type `team` (with hours and a zone) as a Team; undefined when it has no hours. */
export function teamFromResource(name: string, spec: ResourceSpec): Team | undefined {
  if (spec.workingHours === undefined) return undefined;
  return {
    name,
    timeZone: spec.timeZone ?? "UTC",
    workingHours: spec.workingHours,
    ...(spec.region === undefined ? {} : { region: spec.region }),
  };
}

/** The instants within `range` at which the hours are on, each day resolved in `zone` (DST-correct). */
export function workingHoursRanges(
  hours: WorkingHours,
  zone: string,
  range: TimeRange,
): readonly TimeRange[] {
  const startOfDay = (ms: number) => ms - (((ms % DAY_MS) + DAY_MS) % DAY_MS);
  const first = startOfDay(floatingOf(range.start, zone)) - DAY_MS;
  const last = startOfDay(floatingOf(range.end, zone)) + DAY_MS;
  const from = clockMs(hours.start);
  let to = clockMs(hours.end);
  if (to <= from) to += DAY_MS;
  const out: TimeRange[] = [];
  for (let day = first; day <= last; day += DAY_MS) {
    const weekday = WEEKDAYS[DateTime.fromMillis(day, { zone: "utc" }).weekday - 1]!;
    if (!hours.days.includes(weekday)) continue;
    const start = Math.max(range.start, resolveLocalTime(day + from, zone).instant);
    const end = Math.min(range.end, resolveLocalTime(day + to, zone).instant);
    if (start < end) out.push({ start, end });
  }
  return mergeRanges(out);
}

function clockMs(hhmm: string): number {
  return floatingFromText(`1970-01-01T${hhmm}`);
}
