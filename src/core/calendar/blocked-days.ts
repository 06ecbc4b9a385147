import { localDays } from "./local-days.js";
import type { SlotConstraint } from "./slot-constraints.js";
import { mergeRanges, type TimeRange } from "./time-range.js";

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
  const days = localDays(zone, starts);
  // One sweep per constraint over its sorted ranges and the sorted days.
  const covered = constraints.map((c) => {
    const ranges = mergeRanges(c.blockedStarts);
    const perDay = new Array<number>(days.length).fill(0);
    let r = 0;
    days.forEach(({ span }, d) => {
      while (r < ranges.length && ranges[r]!.end <= span.start) r++;
      for (let k = r; k < ranges.length && ranges[k]!.start < span.end; k++) {
        perDay[d]! += Math.min(ranges[k]!.end, span.end) - Math.max(ranges[k]!.start, span.start);
      }
    });
    return perDay;
  });
  return days.map(({ date, span }, d) => ({
    date,
    blockedBy: constraints
      .map((c, i) => ({ c, ms: covered[i]![d]! }))
      .filter((x) => x.ms > 0)
      .sort((a, b) => b.ms - a.ms || a.c.label.localeCompare(b.c.label))
      .map(({ c, ms }) => ({
        kind: c.kind,
        constraint: c.label,
        minutes: Math.round(ms / 60_000),
        wholeDay: ms >= span.end - span.start,
      })),
  }));
}
