import { indexCalendars } from "./calendar-index.js";
import type { Booking, CalendarWorld, ScheduledChange } from "./calendar-world.js";
import { environmentCalendars } from "./slot-scope.js";
import { rangesOverlap, type TimeRange } from "./time-range.js";
import type { WindowOccurrence } from "./window-occurrence.js";
import { type ScopeSubject, scopeApplies } from "./window-scope.js";

/** What an agenda or an iCalendar feed shows: a window occurrence, a scheduled change or a resource booking. */
export type CalendarEntry =
  | {
      readonly kind: "window";
      readonly start: number;
      readonly end: number;
      readonly occurrence: WindowOccurrence;
    }
  | {
      readonly kind: "change";
      readonly start: number;
      readonly end: number;
      readonly change: ScheduledChange;
    }
  | {
      readonly kind: "booking";
      readonly start: number;
      readonly end: number;
      readonly booking: Booking;
    };

/** Narrows a view to an environment and/or services (`upshift calendar --env E --service S`). */
export interface CalendarFilter {
  readonly environment?: string;
  readonly services?: readonly string[];
}

/** Window occurrences and scheduled changes overlapping `range` that concern `filter`, in start order. */
export function calendarEntries(
  world: CalendarWorld,
  range: TimeRange,
  filter: CalendarFilter = {},
): readonly CalendarEntry[] {
  const subject: ScopeSubject = {
    environment: filter.environment,
    region: filter.environment === undefined ? undefined : world.environments[filter.environment]?.region,
    services: filter.services?.map((name) => ({
      name,
      tier: world.services[name]?.tier,
      labels: world.services[name]?.labels,
    })),
  };
  const calendars =
    filter.environment === undefined ? undefined : environmentCalendars(world, filter.environment);
  const windows: CalendarEntry[] = indexCalendars(world.calendars, range)
    .windows.filter(
      (e) =>
        (calendars === undefined || calendars.has(e.window.calendar)) &&
        scopeApplies(e.window.spec.scope, subject),
    )
    .flatMap((e) =>
      e.occurrences.map((o) => ({ kind: "window" as const, start: o.start, end: o.end, occurrence: o })),
    );
  const changes: CalendarEntry[] = world.changes
    .filter(
      (c) =>
        rangesOverlap(c, range) &&
        (filter.environment === undefined || c.environment === filter.environment) &&
        (filter.services === undefined || c.services.some((s) => filter.services?.includes(s))),
    )
    .map((change) => ({ kind: "change", start: change.start, end: change.end, change }));
  // Bookings name no service; a service filter shows none, an environment filter those of its slot.
  const bookings: CalendarEntry[] = world.bookings
    .filter(
      (b) =>
        rangesOverlap(b, range) &&
        filter.services === undefined &&
        (filter.environment === undefined ||
          b.environment === undefined ||
          b.environment === filter.environment),
    )
    .map((booking) => ({ kind: "booking", start: booking.start, end: booking.end, booking }));
  return [...windows, ...changes, ...bookings].sort((a, b) => a.start - b.start || a.end - b.end);
}
