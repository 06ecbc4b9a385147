import { DateTime } from "luxon";
import { InputError } from "../errors/domain-error.js";
import { tabulatedZone } from "./tabulated-zone.js";

/**
 * Wall-clock times are carried as "floating" milliseconds: the local date and time read as if
 * it were UTC. Recurrence rules are expanded on floating values (so 09:00 stays 09:00 whatever
 * the offset), and only then each value is resolved to an instant in its IANA zone by Luxon.
 */
export type Floating = number;

/** How a wall-clock time became an instant (RFC 5545 §3.3.5). */
export type LocalTimeAdjustment = "exact" | "gap" | "repeated";

export interface ResolvedLocalTime {
  readonly instant: number;
  readonly adjustment: LocalTimeAdjustment;
}

/** Floating milliseconds of a local date-time text such as `2027-01-04T09:00:00`. */
export function floatingFromText(text: string): Floating {
  const dt = DateTime.fromISO(text, { zone: "utc" });
  if (!dt.isValid) throw new InputError("calendar.local-time", `"${text}" is not a local date-time`);
  return dt.toMillis();
}

/** Local date-time text (`2027-01-04T09:00:00`) of a floating value. */
export function textFromFloating(floating: Floating): string {
  return DateTime.fromMillis(floating, { zone: "utc" }).toFormat("yyyy-LL-dd'T'HH:mm:ss");
}

/** Throws an InputError unless Luxon knows the IANA zone. */
export function assertZone(zone: string): void {
  if (!tabulatedZone(zone).isValid) {
    throw new InputError("calendar.time-zone", `"${zone}" is not an IANA time zone`);
  }
}

/**
 * The instant a wall-clock time denotes in `zone`, per RFC 5545 §3.3.5: a repeated local time
 * (fall back) means its first occurrence; a nonexistent one (spring forward) is read with the
 * UTC offset before the gap, which lands it as far past the gap's end as it was past its start.
 * Luxon does the zone arithmetic; we only choose among the instants it offers.
 */
export function resolveLocalTime(floating: Floating, zone: string): ResolvedLocalTime {
  const wall = DateTime.fromMillis(floating, { zone: "utc" }).setZone(tabulatedZone(zone), {
    keepLocalTime: true,
  });
  if (!wall.isValid) throw new InputError("calendar.time-zone", `"${zone}" is not an IANA time zone`);
  const candidates = wall.getPossibleOffsets();
  if (candidates.length > 1) {
    // Luxon's default choice between the two is not specified; RFC 5545 wants the earlier.
    return { instant: Math.min(...candidates.map((c) => c.toMillis())), adjustment: "repeated" };
  }
  // In a gap Luxon keeps the offset in force before it, shifting the wall time forward.
  const shifted = floatingOf(wall.toMillis(), zone) !== floating;
  return { instant: wall.toMillis(), adjustment: shifted ? "gap" : "exact" };
}

/** Floating (wall-clock) value of an instant seen in `zone`. */
export function floatingOf(instant: number, zone: string): Floating {
  const dt = DateTime.fromMillis(instant, { zone: tabulatedZone(zone) });
  return instant + dt.offset * 60_000;
}
