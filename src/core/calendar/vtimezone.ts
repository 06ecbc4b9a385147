import { DateTime, FixedOffsetZone } from "luxon";
import type { TimeRange } from "./time-range.js";
import { type ZoneTransition, zoneTransitions } from "./zone-transitions.js";

const WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"] as const;
const YEAR_MS = 366 * 86_400_000;

/**
 * A VTIMEZONE component (RFC 5545 §3.6.5) for `zone` built from Luxon's zone data: every offset
 * change within `coverage` as a dated observance, and when the zone still changes twice a year at
 * the end of it, its last two changes as yearly RRULE observances so feeds stay right afterwards.
 * `transitions` are the changes within `coverage`, when the caller has read them already.
 */
export function vtimezone(
  zone: string,
  coverage: TimeRange,
  transitions: readonly ZoneTransition[] = zoneTransitions(zone, coverage),
): readonly string[] {
  const initial = DateTime.fromMillis(coverage.start, { zone });
  const lines = ["BEGIN:VTIMEZONE", `TZID:${zone}`, `X-LIC-LOCATION:${zone}`];
  lines.push(
    ...observance(
      initial.isInDST ? "DAYLIGHT" : "STANDARD",
      local(coverage.start, initial.offset),
      initial.offset,
      initial.offset,
    ),
  );
  const recent = transitions.filter((t) => t.instant > coverage.end - YEAR_MS);
  const yearly =
    recent.some((t) => t.toDaylight) && recent.some((t) => !t.toDaylight) ? recent.slice(-2) : [];
  for (const t of transitions) {
    const rule = yearly.includes(t) ? yearlyRule(t) : undefined;
    lines.push(
      ...observance(
        t.toDaylight ? "DAYLIGHT" : "STANDARD",
        local(t.instant, t.offsetBefore),
        t.offsetBefore,
        t.offsetAfter,
        rule,
      ),
    );
  }
  lines.push("END:VTIMEZONE");
  return lines;
}

function observance(type: string, start: string, from: number, to: number, rule?: string): readonly string[] {
  return [
    `BEGIN:${type}`,
    `DTSTART:${start}`,
    `TZOFFSETFROM:${utcOffset(from)}`,
    `TZOFFSETTO:${utcOffset(to)}`,
    ...(rule === undefined ? [] : [`RRULE:${rule}`]),
    `END:${type}`,
  ];
}

// RFC 5545 §3.6.5: an observance's DTSTART is the local time of the change in the offset before it.
function local(instant: number, offsetMinutes: number): string {
  return DateTime.fromMillis(instant, { zone: FixedOffsetZone.instance(offsetMinutes) }).toFormat(
    "yyyyLLdd'T'HHmmss",
  );
}

/** "the last Sunday of March" or "the second Sunday of March", read off one change. */
function yearlyRule(t: ZoneTransition): string {
  const wall = DateTime.fromMillis(t.instant, { zone: FixedOffsetZone.instance(t.offsetBefore) });
  const weekday = WEEKDAYS[wall.weekday - 1]!;
  const nth = wall.day + 7 > (wall.daysInMonth ?? 31) ? -1 : Math.ceil(wall.day / 7);
  return `FREQ=YEARLY;BYMONTH=${wall.month};BYDAY=${nth}${weekday}`;
}

function utcOffset(minutes: number): string {
  const sign = minutes < 0 ? "-" : "+";
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}${String(abs % 60).padStart(2, "0")}`;
}
