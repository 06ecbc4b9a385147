import { DateTime } from "luxon";
import { tabulatedZone } from "./tabulated-zone.js";
import type { TimeRange } from "./time-range.js";

/**
 * "2027-01-04 09:00–17:00 Europe/Berlin (+01:00)": a range as people in `zone` read it. Offsets
 * are printed numerically because short zone names depend on the host's locale data.
 */
export function describeRange(range: TimeRange, zone: string): string {
  const start = DateTime.fromMillis(range.start, { zone: tabulatedZone(zone) });
  const end = DateTime.fromMillis(range.end, { zone: tabulatedZone(zone) });
  const endText = end.hasSame(start, "day") ? end.toFormat("HH:mm") : end.toFormat("yyyy-LL-dd HH:mm");
  const startText = start.toFormat("yyyy-LL-dd HH:mm");
  if (start.offset === end.offset) return `${startText}–${endText} ${zone} (${start.toFormat("ZZ")})`;
  return `${startText} (${start.toFormat("ZZ")})–${endText} (${end.toFormat("ZZ")}) ${zone}`;
}
