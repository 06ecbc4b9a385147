import { durationSeconds } from "../documents/duration.js";
import type { ReleaseBooking, ReleaseSpec } from "../documents/kinds/release.js";
import type { Booking } from "./calendar-world.js";
import { needRange, type ResourceNeed } from "./change-slot.js";
import { floatingFromText, resolveLocalTime } from "./local-time.js";
import type { TimeRange } from "./time-range.js";

/** The Resources a release's slot in `environment` needs, phase by phase, relative to the slot's start. */
export function releaseNeeds(spec: ReleaseSpec, environment: string): readonly ResourceNeed[] {
  return (spec.bookings ?? []).filter((b) => b.environment === environment).map(needOf);
}

function needOf(b: ReleaseBooking): ResourceNeed {
  return {
    resource: b.resource,
    units: b.units ?? 1,
    ...(b.offset === undefined ? {} : { offsetMs: durationSeconds(b.offset) * 1000 }),
    ...(b.duration === undefined ? {} : { durationMs: durationSeconds(b.duration) * 1000 }),
  };
}

/** The release's `window` as instants (its local times in `window.timeZone`, else UTC), if it has one. */
export function releaseWindow(spec: ReleaseSpec): TimeRange | undefined {
  if (spec.window === undefined) return undefined;
  const zone = spec.window.timeZone ?? "UTC";
  return {
    start: resolveLocalTime(floatingFromText(spec.window.start), zone).instant,
    end: resolveLocalTime(floatingFromText(spec.window.end), zone).instant,
  };
}

/**
 * What a scheduled release track holds: each of its bookings placed in the release's `window`
 * (a phase's offset counts from the window's start). A release without a window holds nothing
 * yet; its bookings are only needs, which the assistant places.
 */
export function releaseBookings(name: string, spec: ReleaseSpec): readonly Booking[] {
  const window = releaseWindow(spec);
  if (window === undefined || !(window.end > window.start)) return [];
  const seen = new Map<string, number>();
  const out: Booking[] = [];
  for (const b of spec.bookings ?? []) {
    const label = b.phase ?? `${b.environment} ${b.resource}`;
    const n = (seen.get(label) ?? 0) + 1;
    seen.set(label, n);
    const range = needRange(needOf(b), window.start, window.end - window.start);
    if (!(range.end > range.start)) continue;
    out.push({
      id: `${name}: ${label}${n > 1 ? ` #${n}` : ""}`,
      resource: b.resource,
      holder: name,
      start: range.start,
      end: range.end,
      units: b.units ?? 1,
      environment: b.environment,
      ...(spec.owner === undefined ? {} : { owner: spec.owner }),
    });
  }
  return out;
}
