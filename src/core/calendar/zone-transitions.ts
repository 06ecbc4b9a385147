import { DateTime } from "luxon";
import type { TimeRange } from "./time-range.js";

/** An instant at which a zone's UTC offset changes, with the offsets (minutes) before and after. */
export interface ZoneTransition {
  readonly instant: number;
  readonly offsetBefore: number;
  readonly offsetAfter: number;
  /** Luxon's reading of whether the new offset is daylight saving time. */
  readonly toDaylight: boolean;
}

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

/**
 * The offset changes of `zone` within `range`, read from Luxon (the host's IANA data): sampled
 * daily, then narrowed to the minute by bisection. Zones change offset at most a few times a year,
 * never twice within a day in current data.
 */
export function zoneTransitions(zone: string, range: TimeRange): readonly ZoneTransition[] {
  const offset = (t: number) => DateTime.fromMillis(t, { zone }).offset;
  const out: ZoneTransition[] = [];
  let previous = offset(range.start);
  for (let t = range.start + DAY_MS; t < range.end + DAY_MS; t += DAY_MS) {
    const current = offset(t);
    if (current === previous) continue;
    let lo = t - DAY_MS;
    let hi = t;
    while (hi - lo > MINUTE_MS) {
      const mid = lo + Math.floor((hi - lo) / 2 / MINUTE_MS) * MINUTE_MS;
      if (offset(mid) === previous) lo = mid;
      else hi = mid;
    }
    if (hi >= range.start && hi < range.end) {
      out.push({
        instant: hi,
        offsetBefore: previous,
        offsetAfter: current,
        toDaylight: DateTime.fromMillis(hi, { zone }).isInDST,
      });
    }
    previous = current;
  }
  return out;
}
