import type { CalendarIndex } from "./calendar-index.js";
import { intersectRange, type TimeRange } from "./time-range.js";
import { type WorkingHours, workingHoursRanges } from "./working-hours.js";

// Working hours over an index's whole horizon, computed once per (index, hours, zone): the
// assistant asks for the same teams' hours for every track it places.
const memo = new WeakMap<CalendarIndex, Map<string, readonly TimeRange[]>>();

/** `workingHoursRanges` within `range`, served from hours expanded once over the index's horizon. */
export function indexedWorkingHours(
  index: CalendarIndex,
  hours: WorkingHours,
  zone: string,
  range: TimeRange,
): readonly TimeRange[] {
  if (range.start < index.horizon.start || range.end > index.horizon.end) {
    return workingHoursRanges(hours, zone, range);
  }
  let byKey = memo.get(index);
  if (byKey === undefined) {
    byKey = new Map();
    memo.set(index, byKey);
  }
  const key = JSON.stringify([hours.days, hours.start, hours.end, zone]);
  let all = byKey.get(key);
  if (all === undefined) {
    all = workingHoursRanges(hours, zone, index.horizon);
    byKey.set(key, all);
  }
  let lo = 0;
  let hi = all.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (all[mid]!.end <= range.start) lo = mid + 1;
    else hi = mid;
  }
  const out: TimeRange[] = [];
  for (let i = lo; i < all.length && all[i]!.start < range.end; i++) {
    const part = intersectRange(all[i]!, range);
    if (part) out.push(part);
  }
  return out;
}
