import { DateTime } from "luxon";
import type { CalendarFilter } from "./calendar-entries.js";
import { calendarEntries } from "./calendar-entries.js";
import type { CalendarWorld, ScheduledChange } from "./calendar-world.js";
import { type CompiledWindow, compileWindow } from "./compiled-window.js";
import { escapeText, foldLines } from "./icalendar-text.js";
import { floatingFromText, floatingOf, resolveLocalTime, textFromFloating } from "./local-time.js";
import { environmentCalendars } from "./slot-scope.js";
import type { TimeRange } from "./time-range.js";
import { vtimezone } from "./vtimezone.js";
import { type WindowOccurrence, windowOccurrences } from "./window-occurrence.js";
import { scopeApplies } from "./window-scope.js";
import { type ZoneTransition, zoneTransitions } from "./zone-transitions.js";

/** What `GET /v1/calendar.ics` and `upshift calendar --output ics` export. */
export interface ICalendarOptions extends CalendarFilter {
  /** The DTSTAMP of every event: when the feed was produced (the caller's clock). */
  readonly now: number;
  /** Changes within it are exported, and VTIMEZONEs cover it; windows export with their full recurrence. */
  readonly range: TimeRange;
  readonly name?: string;
}

const DAY_MS = 86_400_000;
const YEAR_MS = 366 * DAY_MS;

/**
 * An RFC 5545 VCALENDAR: each window one VEVENT keeping its own recurrence (DTSTART with TZID,
 * DTEND or DURATION, RRULE, EXDATE, RDATE) so calendar apps expand it in its zone, one VTIMEZONE
 * per zone used, and each scheduled or implementing change as a VEVENT in UTC.
 *
 * Occurrences within `range` that a DST change touches are also written out with their instants
 * in UTC (see `touchedOccurrences`): for a recurring window as an overriding instance
 * (RECURRENCE-ID), for a one-off window in the VEVENT itself.
 */
export function toICalendar(world: CalendarWorld, options: ICalendarOptions): string {
  const subject = {
    environment: options.environment,
    services: options.services?.map((name) => ({
      name,
      tier: world.services[name]?.tier,
      labels: world.services[name]?.labels,
    })),
  };
  const calendars =
    options.environment === undefined ? undefined : environmentCalendars(world, options.environment);
  const windows = world.calendars
    .flatMap((c) => c.spec.windows.map((w) => compileWindow(c.name, w, c.spec.timeZone)))
    .filter(
      (w) => (calendars === undefined || calendars.has(w.calendar)) && scopeApplies(w.spec.scope, subject),
    );
  const changes = calendarEntries({ ...world, calendars: [] }, options.range, options).flatMap((e) =>
    e.kind === "change" ? [e.change] : [],
  );
  const zones = [...new Set(windows.map((w) => w.timeZone))].filter((z) => z !== "UTC").sort();
  const earliest = Math.min(
    options.range.start,
    ...windows.map((w) => resolveLocalTime(w.start, w.timeZone).instant),
  );
  const coverage = { start: earliest - YEAR_MS, end: options.range.end + YEAR_MS };
  // Offset changes per zone, read once: for the VTIMEZONEs and to find the occurrences DST touches.
  const transitions = new Map(zones.map((z) => [z, zoneTransitions(z, coverage)]));
  const stamp = utc(options.now);
  const lines = [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//Upshift//Change calendar//EN",
    "CALSCALE:GREGORIAN",
    `X-WR-CALNAME:${escapeText(options.name ?? "Upshift change calendar")}`,
    ...zones.flatMap((z) => vtimezone(z, coverage, transitions.get(z))),
    ...windows.flatMap((w) => windowEvents(w, stamp, options.range, transitions.get(w.timeZone) ?? [])),
    ...changes.flatMap((c) => changeEvent(c, stamp)),
    "END:VCALENDAR",
  ];
  return foldLines(lines);
}

/**
 * The window's VEVENT, then one overriding VEVENT per touched occurrence of a recurring window.
 *
 * Why: RFC 5545 §3.8.5.3 gives every instance of a recurring event the same exact length when it
 * has DTEND, and DURATION's hours are exact (§3.3.6), whereas an Upshift occurrence with `end`
 * runs to the local end time of its own day — 22:00–02:00 New York is 5 real hours on the night
 * clocks fall back. No recurrence property says that, so those instances carry their own instants.
 * Readers built on ical.js (Thunderbird) or libical also misplace local times in a DST gap or
 * repeated hour and add lengths on the wall clock (see the pinned ical.js tests); instances they
 * would get wrong are the same touched ones, so they are spelled out in UTC too.
 */
function windowEvents(
  w: CompiledWindow,
  stamp: string,
  range: TimeRange,
  transitions: readonly ZoneTransition[],
): readonly string[] {
  const recurring = w.ruleText !== undefined || w.rdates.length > 0;
  const touched = touchedOccurrences(w, range, transitions);
  if (!recurring) {
    const [only] = touched;
    const timing =
      only === undefined
        ? [`DTSTART${zoned(w, w.start)}`, lengthOf(w)]
        : [`DTSTART:${utc(only.start)}`, `DTEND:${utc(only.end)}`];
    return vevent(w, stamp, timing);
  }
  // With DTEND a conforming reader takes the first instance's exact length for all of them,
  // wrong for all when the first is touched; a DURATION of the ordinary day's length is not.
  const length = w.spec.end !== undefined ? exactDuration(w.length.nominalMs) : isoDuration(w);
  const master = vevent(w, stamp, [
    `DTSTART${zoned(w, w.start)}`,
    `DURATION:${length}`,
    ...(w.ruleText === undefined ? [] : [`RRULE:${w.ruleText}`]),
    ...[...w.exdates].map((x) => `EXDATE${zoned(w, x)}`),
    ...(w.startInRule ? w.rdates : [w.start, ...w.rdates]).map((r) => `RDATE${zoned(w, r)}`),
  ]);
  const overrides = touched.flatMap((o) =>
    vevent(w, stamp, [
      `RECURRENCE-ID${zoned(w, floatingFromText(o.localStart))}`,
      `DTSTART:${utc(o.start)}`,
      `DTEND:${utc(o.end)}`,
    ]),
  );
  return [...master, ...overrides];
}

/**
 * Occurrences overlapping `range` whose instants depend on how a reader handles a DST change:
 * the local start fell in a gap or a repeated hour, the end's local time is a repeated one, or
 * the zone changes its UTC offset while the occurrence runs (`transitions`: the zone's changes
 * over the feed's coverage). Outside these, DTSTART plus the length lands on the same instants
 * whether the length is added exactly or on the wall clock. Each of them overlaps the day either
 * side of a change, so only those days are expanded.
 */
function touchedOccurrences(
  w: CompiledWindow,
  range: TimeRange,
  transitions: readonly ZoneTransition[],
): readonly WindowOccurrence[] {
  const zone = w.timeZone;
  const touched = new Map<number, WindowOccurrence>();
  for (const change of transitions) {
    const start = Math.max(range.start, change.instant - DAY_MS);
    const end = Math.min(range.end, change.instant + DAY_MS);
    if (start >= end) continue;
    for (const o of windowOccurrences(w, { start, end })) {
      if (
        o.adjustment !== "exact" ||
        resolveLocalTime(floatingOf(o.end, zone), zone).adjustment !== "exact" ||
        transitions.some((t) => t.instant > o.start && t.instant <= o.end)
      ) {
        touched.set(o.start, o);
      }
    }
  }
  return [...touched.values()].sort((a, b) => a.start - b.start);
}

function vevent(w: CompiledWindow, stamp: string, timing: readonly string[]): readonly string[] {
  const { spec } = w;
  const description = [
    spec.reason,
    spec.owner && `owner: ${spec.owner}`,
    spec.scope && `scope: ${JSON.stringify(spec.scope)}`,
    `emergency override: ${spec.emergencyOverride ? "allowed" : "not allowed"}`,
  ].filter((x): x is string => typeof x === "string" && x !== "");
  return [
    "BEGIN:VEVENT",
    `UID:window-${w.calendar}-${spec.name}@upshift.dev`,
    `DTSTAMP:${stamp}`,
    ...timing,
    `SUMMARY:${escapeText(`[${spec.kind}] ${spec.name} (${w.calendar})`)}`,
    `DESCRIPTION:${escapeText(description.join("\n"))}`,
    `CATEGORIES:${spec.kind.toUpperCase()}`,
    `X-UPSHIFT-KIND:${spec.kind}`,
    "TRANSP:OPAQUE",
    "END:VEVENT",
  ];
}

/** DTEND at the local end time for a window with `end`, else its DURATION. */
const lengthOf = (w: CompiledWindow) =>
  w.spec.end !== undefined ? `DTEND${zoned(w, w.start + w.length.nominalMs)}` : `DURATION:${isoDuration(w)}`;

/** A wall time of the window as a property value: `;TZID=zone:…` or, in UTC, `:…Z`. */
const zoned = (w: CompiledWindow, floating: number) =>
  w.timeZone === "UTC" ? `:${compact(floating)}Z` : `;TZID=${w.timeZone}:${compact(floating)}`;

function changeEvent(c: ScheduledChange, stamp: string): readonly string[] {
  return [
    "BEGIN:VEVENT",
    `UID:change-${c.id}@upshift.dev`,
    `DTSTAMP:${stamp}`,
    `DTSTART:${utc(c.start)}`,
    `DTEND:${utc(c.end)}`,
    `SUMMARY:${escapeText(`[change] ${c.id}: ${c.services.join(", ")} in ${c.environment}`)}`,
    `DESCRIPTION:${escapeText([`state: ${c.state}`, c.owner && `owner: ${c.owner}`].filter(Boolean).join("\n"))}`,
    "CATEGORIES:CHANGE",
    "X-UPSHIFT-KIND:change",
    "END:VEVENT",
  ];
}

/** RFC 5545 §3.3.6 DURATION: nominal days, then exact time. */
function isoDuration(w: CompiledWindow): string {
  const days = Math.floor(w.length.nominalMs / 86_400_000);
  const body = `${days ? `${days}D` : ""}${timePart(w.length.exactMs)}`;
  return body ? `P${body}` : "PT0S";
}

/** A DURATION of exact time only (`PT32H`): what a wall-clock length lasts on a day without DST change. */
function exactDuration(ms: number): string {
  const body = timePart(ms);
  return body ? `P${body}` : "PT0S";
}

function timePart(ms: number): string {
  const seconds = Math.round(ms / 1000);
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const time = `${h ? `${h}H` : ""}${m ? `${m}M` : ""}${s ? `${s}S` : ""}`;
  return time ? `T${time}` : "";
}

const compact = (floating: number) => textFromFloating(floating).replace(/[-:]/g, "");
const utc = (ms: number) => `${DateTime.fromMillis(ms, { zone: "utc" }).toFormat("yyyyLLdd'T'HHmmss")}Z`;
