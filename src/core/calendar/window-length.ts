import { Duration } from "luxon";
import { InputError } from "../errors/domain-error.js";
import { type Floating, floatingFromText, resolveLocalTime } from "./local-time.js";

/**
 * How long an occurrence lasts, split as RFC 5545 §3.3.6 splits a DURATION: a nominal part
 * (days and weeks, added on the wall clock, so P1D ends at the same local time the next day
 * even across a DST change) and an exact part (hours, minutes, seconds, added to the instant).
 * An `end` given as a local time is wholly nominal: the occurrence ends at that wall-clock time.
 */
export interface WindowLength {
  readonly nominalMs: number;
  readonly exactMs: number;
}

const SHORT = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d|w))+$/;
const SHORT_PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g;
const NOMINAL_UNITS: Record<string, number> = { d: 86_400_000, w: 604_800_000 };
const EXACT_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** The length of a window from its `end` (local time) or its `duration` text. */
export function windowLength(
  start: string,
  end: string | undefined,
  duration: string | undefined,
): WindowLength {
  if (end !== undefined) {
    const nominalMs = floatingFromText(end) - floatingFromText(start);
    if (nominalMs <= 0) throw new InputError("calendar.window-end", `end ${end} is not after start ${start}`);
    return { nominalMs, exactMs: 0 };
  }
  if (duration === undefined) {
    throw new InputError("calendar.window-end", `the window starting ${start} needs an end or a duration`);
  }
  const length = parseLength(duration.trim());
  if (length.nominalMs + length.exactMs <= 0) {
    throw new InputError("calendar.window-duration", `duration ${duration} must be positive`);
  }
  return length;
}

function parseLength(text: string): WindowLength {
  if (SHORT.test(text)) {
    let nominalMs = 0;
    let exactMs = 0;
    for (const [, amount, unit = "s"] of text.matchAll(SHORT_PART)) {
      nominalMs += Number(amount) * (NOMINAL_UNITS[unit] ?? 0);
      exactMs += Number(amount) * (EXACT_UNITS[unit] ?? 0);
    }
    return { nominalMs, exactMs };
  }
  const iso = Duration.fromISO(text);
  if (!iso.isValid || iso.years !== 0 || iso.months !== 0) {
    throw new InputError(
      "calendar.window-duration",
      `duration "${text}" must be ISO 8601 weeks/days/time (e.g. "PT8H", "P1DT2H") or "8h", "2d"`,
    );
  }
  return {
    nominalMs: (iso.weeks * 7 + iso.days) * 86_400_000,
    exactMs: ((iso.hours * 60 + iso.minutes) * 60 + iso.seconds) * 1000 + iso.milliseconds,
  };
}

/** The instant an occurrence that starts at wall time `start` ends, in `zone`. */
export function occurrenceEnd(
  start: Floating,
  startInstant: number,
  length: WindowLength,
  zone: string,
): number {
  const nominalEnd =
    length.nominalMs === 0 ? startInstant : resolveLocalTime(start + length.nominalMs, zone).instant;
  return nominalEnd + length.exactMs;
}
