import * as rruleModule from "rrule";
import type { CalendarWindowSpec } from "../documents/kinds/calendar.js";
import { InputError } from "../errors/domain-error.js";
import { assertZone, type Floating, floatingFromText, floatingOf } from "./local-time.js";
import { type WindowLength, windowLength } from "./window-length.js";

// rrule ships a UMD bundle without "type": "module": Node's ESM loader exposes it only as the
// default export, CommonJS loaders (tsx on a .ts outside the package) as named exports.
const RRule =
  rruleModule.RRule ?? (rruleModule as unknown as { readonly default: typeof rruleModule }).default.RRule;
type Rule = InstanceType<typeof RRule>;

/** A calendar window made ready for expansion: zone, wall-clock start, length and rule parsed once. */
export interface CompiledWindow {
  readonly calendar: string;
  readonly spec: CalendarWindowSpec;
  readonly timeZone: string;
  readonly start: Floating;
  readonly length: WindowLength;
  readonly rule: Rule | undefined;
  /**
   * The RRULE as RFC 5545 feeds should carry it, and whether the rule itself produces `start`.
   * When it does not, start is still the first occurrence (§3.8.5.3) and counts toward COUNT;
   * exports then spell it out as an RDATE and lower COUNT, because some readers (ical.js) skip it.
   */
  readonly ruleText: string | undefined;
  readonly startInRule: boolean;
  readonly exdates: ReadonlySet<Floating>;
  readonly rdates: readonly Floating[];
}

/** Parses a window of calendar `calendar`; the zone defaults to the calendar's, then UTC. */
export function compileWindow(
  calendar: string,
  spec: CalendarWindowSpec,
  calendarTimeZone?: string,
): CompiledWindow {
  const timeZone = spec.timeZone ?? calendarTimeZone ?? "UTC";
  assertZone(timeZone);
  const start = floatingFromText(spec.start);
  const parsed = spec.rrule === undefined ? undefined : parseRule(spec.rrule, start, timeZone, spec.name);
  return {
    calendar,
    spec,
    timeZone,
    start,
    length: windowLength(spec.start, spec.end, spec.duration),
    rule: parsed?.rule,
    ruleText: parsed?.text,
    startInRule: parsed?.startInRule ?? true,
    exdates: new Set((spec.exdates ?? []).map(floatingFromText)),
    rdates: (spec.rdates ?? []).map(floatingFromText),
  };
}

/**
 * The rule runs on floating dates (rrule's own TZID support converts through the host zone,
 * which is exactly the kind of error this module exists to avoid). RFC 5545 §3.3.10 wants UNTIL
 * in UTC when DTSTART has a zone, so a `Z` UNTIL is turned into the zone's wall time first.
 */
function parseRule(
  text: string,
  start: Floating,
  zone: string,
  window: string,
): { readonly rule: Rule | undefined; readonly text: string | undefined; readonly startInRule: boolean } {
  const body = text.replace(/^RRULE:/i, "").trim();
  let options: ReturnType<typeof RRule.parseString>;
  try {
    options = RRule.parseString(body);
  } catch (cause) {
    throw new InputError("calendar.rrule", `window ${window}: "${text}" is not an RFC 5545 RRULE`, { cause });
  }
  if (options.freq === undefined) {
    throw new InputError("calendar.rrule", `window ${window}: the RRULE "${text}" has no FREQ`);
  }
  if (options.dtstart !== undefined || options.tzid !== undefined) {
    throw new InputError(
      "calendar.rrule",
      `window ${window}: give start and timeZone as fields, not in the RRULE`,
    );
  }
  let until = options.until ?? null;
  if (until !== null && /UNTIL=\d{8}T\d{6}Z/i.test(body)) until = new Date(floatingOf(until.getTime(), zone));
  const rule = new RRule({ ...options, until, dtstart: new Date(start), tzid: null });
  const startInRule = rule.after(new Date(start), true)?.getTime() === start;
  const count = options.count ?? null;
  if (startInRule || count === null) return { rule, text: body, startInRule };
  // rrule.js counts only matches, so an unmatched start takes one of COUNT's occurrences.
  if (count <= 1) return { rule: undefined, text: undefined, startInRule };
  return {
    rule: new RRule({ ...options, count: count - 1, until, dtstart: new Date(start), tzid: null }),
    text: body.replace(/COUNT=\d+/i, `COUNT=${count - 1}`),
    startInRule,
  };
}
