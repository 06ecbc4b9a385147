import { DateTime } from "luxon";
import { tabulatedZone } from "./tabulated-zone.js";
import type { TimeRange } from "./time-range.js";

/** One calendar day in a zone: its date and the instants it spans (23, 24 or 25 hours). */
export interface LocalDay {
  readonly date: string;
  readonly span: TimeRange;
}

// Day boundaries per zone, extended as asked: the assistant explains the same days for many tracks.
const memo = new Map<string, LocalDay[]>();

/** The local days of `zone` that overlap `range`, spans cut to it; Luxon finds each midnight. */
export function localDays(zone: string, range: TimeRange): readonly LocalDay[] {
  let days = memo.get(zone);
  const first = days?.[0];
  const last = days?.[days.length - 1];
  if (
    days === undefined ||
    first === undefined ||
    last === undefined ||
    first.span.start > range.start ||
    last.span.end < range.end
  ) {
    days = [];
    const from = Math.min(range.start, first?.span.start ?? range.start);
    const to = Math.max(range.end, last?.span.end ?? range.end);
    let day = DateTime.fromMillis(from, { zone: tabulatedZone(zone) }).startOf("day");
    while (day.toMillis() < to) {
      const next = day.plus({ days: 1 });
      days.push({ date: day.toISODate() ?? "", span: { start: day.toMillis(), end: next.toMillis() } });
      day = next;
    }
    memo.set(zone, days);
  }
  let lo = 0;
  let hi = days.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (days[mid]!.span.end <= range.start) lo = mid + 1;
    else hi = mid;
  }
  const out: LocalDay[] = [];
  for (let i = lo; i < days.length && days[i]!.span.start < range.end; i++) {
    const { date, span } = days[i]!;
    out.push({
      date,
      span: { start: Math.max(span.start, range.start), end: Math.min(span.end, range.end) },
    });
  }
  return out;
}
