import { DateTime } from "luxon";
import type { CalendarFilter } from "./calendar-entries.js";
import { calendarEntries } from "./calendar-entries.js";
import type { CalendarWorld, ScheduledChange } from "./calendar-world.js";
import { type CompiledWindow, compileWindow } from "./compiled-window.js";
import { escapeText, foldLines } from "./icalendar-text.js";
import { resolveLocalTime, textFromFloating } from "./local-time.js";
import { environmentCalendars } from "./slot-scope.js";
import type { TimeRange } from "./time-range.js";
import { vtimezone } from "./vtimezone.js";
import { scopeApplies } from "./window-scope.js";

/** What `GET /v1/calendar.ics` and `upshift calendar --output ics` export. */
export interface ICalendarOptions extends CalendarFilter {
  /** The DTSTAMP of every event: when the feed was produced (the caller's clock). */
  readonly now: number;
  /** Changes within it are exported, and VTIMEZONEs cover it; windows export with their full recurrence. */
  readonly range: TimeRange;
  readonly name?: string;
}

const YEAR_MS = 366 * 86_400_000;

/**
 * An RFC 5545 VCALENDAR: each window one VEVENT keeping its own recurrence (DTSTART/DTEND with
 * TZID, RRULE, EXDATE, RDATE) so calendar apps expand it in its zone, one VTIMEZONE per zone
 * used, and each scheduled or implementing change as a VEVENT in UTC.
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
  const stamp = utc(options.now);
  const lines = [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//Upshift//Change calendar//EN",
    "CALSCALE:GREGORIAN",
    `X-WR-CALNAME:${escapeText(options.name ?? "Upshift change calendar")}`,
    ...zones.flatMap((z) => vtimezone(z, coverage)),
    ...windows.flatMap((w) => windowEvent(w, stamp)),
    ...changes.flatMap((c) => changeEvent(c, stamp)),
    "END:VCALENDAR",
  ];
  return foldLines(lines);
}

function windowEvent(w: CompiledWindow, stamp: string): readonly string[] {
  const { spec } = w;
  const at = (floating: number) =>
    w.timeZone === "UTC" ? `:${compact(floating)}Z` : `;TZID=${w.timeZone}:${compact(floating)}`;
  const length =
    spec.end !== undefined ? [`DTEND${at(w.start + w.length.nominalMs)}`] : [`DURATION:${isoDuration(w)}`];
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
    `DTSTART${at(w.start)}`,
    ...length,
    ...(w.ruleText === undefined ? [] : [`RRULE:${w.ruleText}`]),
    ...[...w.exdates].map((x) => `EXDATE${at(x)}`),
    ...(w.startInRule ? w.rdates : [w.start, ...w.rdates]).map((r) => `RDATE${at(r)}`),
    `SUMMARY:${escapeText(`[${spec.kind}] ${spec.name} (${w.calendar})`)}`,
    `DESCRIPTION:${escapeText(description.join("\n"))}`,
    `CATEGORIES:${spec.kind.toUpperCase()}`,
    `X-UPSHIFT-KIND:${spec.kind}`,
    "TRANSP:OPAQUE",
    "END:VEVENT",
  ];
}

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
  const seconds = Math.round(w.length.exactMs / 1000);
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const time = `${h ? `${h}H` : ""}${m ? `${m}M` : ""}${s ? `${s}S` : ""}`;
  return `P${days ? `${days}D` : ""}${time ? `T${time}` : ""}` || "PT0S";
}

const compact = (floating: number) => textFromFloating(floating).replace(/[-:]/g, "");
const utc = (ms: number) => `${DateTime.fromMillis(ms, { zone: "utc" }).toFormat("yyyyLLdd'T'HHmmss")}Z`;
