import { DateTime } from "luxon";
import type { SlotConstraint } from "./slot-constraints.js";
import { coveredMillis, intersectRangeSets, type TimeRange } from "./time-range.js";

/** Why no slot can start on one local day: each constraint and how much of the day it rules out. */
export interface BlockedDay {
  readonly date: string;
  readonly blockedBy: readonly {
    readonly kind: SlotConstraint["kind"];
    readonly constraint: string;
    /** Minutes of the day's possible start times this constraint rules out on its own. */
    readonly minutes: number;
    readonly wholeDay: boolean;
  }[];
}

/** For each local day of `starts` in `zone`, the constraints that rule out its start times, most first. */
export function blockedDays(
  constraints: readonly SlotConstraint[],
  starts: TimeRange,
  zone: string,
): readonly BlockedDay[] {
  const out: BlockedDay[] = [];
  let day = DateTime.fromMillis(starts.start, { zone }).startOf("day");
  while (day.toMillis() < starts.end) {
    const next = day.plus({ days: 1 });
    const span: TimeRange = {
      start: Math.max(day.toMillis(), starts.start),
      end: Math.min(next.toMillis(), starts.end),
    };
    const length = span.end - span.start;
    const blockedBy = constraints
      .map((c) => ({ c, ms: coveredMillis(intersectRangeSets(c.blockedStarts, [span])) }))
      .filter((x) => x.ms > 0)
      .sort((a, b) => b.ms - a.ms || a.c.label.localeCompare(b.c.label))
      .map(({ c, ms }) => ({
        kind: c.kind,
        constraint: c.label,
        minutes: Math.round(ms / 60_000),
        wholeDay: ms >= length,
      }));
    out.push({ date: day.toISODate() ?? "", blockedBy });
    day = next;
  }
  return out;
}
