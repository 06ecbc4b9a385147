import type { NamedCalendar } from "./calendar-world.js";
import { type CompiledWindow, compileWindow } from "./compiled-window.js";
import type { TimeRange } from "./time-range.js";
import { type WindowOccurrence, windowOccurrences } from "./window-occurrence.js";

/** Every window of a set of calendars, expanded once over a horizon and searchable by range. */
export interface CalendarIndex {
  readonly horizon: TimeRange;
  readonly windows: readonly IndexedWindow[];
}

/** A window with its occurrences over the index's horizon, sorted by start. */
export interface IndexedWindow {
  readonly window: CompiledWindow;
  readonly occurrences: readonly WindowOccurrence[];
  /** The longest occurrence, so a range query can start its binary search early enough. */
  readonly longestMs: number;
}

/** Compiles and expands every window of `calendars` over `horizon`. */
export function indexCalendars(calendars: readonly NamedCalendar[], horizon: TimeRange): CalendarIndex {
  const windows = calendars.flatMap((c) =>
    c.spec.windows.map((w) => {
      const window = compileWindow(c.name, w, c.spec.timeZone);
      const occurrences = windowOccurrences(window, horizon);
      const longestMs = occurrences.reduce((m, o) => Math.max(m, o.end - o.start), 0);
      return { window, occurrences, longestMs };
    }),
  );
  return { horizon, windows };
}

/** Occurrences of an indexed window overlapping `range`; `range` must lie within the horizon. */
export function indexedOccurrences(entry: IndexedWindow, range: TimeRange): readonly WindowOccurrence[] {
  const list = entry.occurrences;
  // First occurrence that could still be running at range.start (binary search on start).
  const from = range.start - entry.longestMs;
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]!.start <= from) lo = mid + 1;
    else hi = mid;
  }
  const out: WindowOccurrence[] = [];
  for (let i = Math.max(0, lo - 1); i < list.length; i++) {
    const o = list[i]!;
    if (o.start >= range.end) break;
    if (o.end > range.start) out.push(o);
  }
  return out;
}
