import type { CompiledWindow } from "./compiled-window.js";
import { type LocalTimeAdjustment, resolveLocalTime, textFromFloating } from "./local-time.js";
import { rangesOverlap, type TimeRange } from "./time-range.js";
import { occurrenceEnd } from "./window-length.js";

/** One occurrence of a window: the instants it covers and the wall-clock time it was meant to start. */
export interface WindowOccurrence extends TimeRange {
  readonly window: CompiledWindow;
  /** Local start as written in the window's zone, e.g. `2027-03-29T09:00:00`. */
  readonly localStart: string;
  /** `gap` or `repeated` when the local start fell in a DST change (RFC 5545 §3.3.5). */
  readonly adjustment: LocalTimeAdjustment;
}

// Wall-clock and instant differ by at most 26 hours (UTC-12 … UTC+14); two days covers it and DST.
const MARGIN_MS = 2 * 86_400_000;

/** Occurrences of the window that overlap `range`, in start order (RFC 5545 §3.8.5 recurrence set). */
export function windowOccurrences(window: CompiledWindow, range: TimeRange): readonly WindowOccurrence[] {
  const lo = range.start - window.length.nominalMs - window.length.exactMs - MARGIN_MS;
  const hi = range.end + MARGIN_MS;
  const starts = new Set<number>();
  // RFC 5545 §3.8.5.3: DTSTART always counts as the first occurrence.
  if (window.start >= lo && window.start <= hi) starts.add(window.start);
  if (window.rule !== undefined) {
    for (const d of window.rule.between(new Date(lo), new Date(hi), true)) starts.add(d.getTime());
  }
  for (const r of window.rdates) if (r >= lo && r <= hi) starts.add(r);
  const out: WindowOccurrence[] = [];
  for (const floating of [...starts].sort((a, b) => a - b)) {
    if (window.exdates.has(floating)) continue;
    const { instant, adjustment } = resolveLocalTime(floating, window.timeZone);
    const end = occurrenceEnd(floating, instant, window.length, window.timeZone);
    const occurrence = { start: instant, end, window, localStart: textFromFloating(floating), adjustment };
    if (rangesOverlap(occurrence, range)) out.push(occurrence);
  }
  return out;
}
