import { indexCalendars } from "./calendar-index.js";
import type { NamedCalendar } from "./calendar-world.js";
import type { WindowOccurrence } from "./window-occurrence.js";
import { type ScopeSubject, scopeApplies } from "./window-scope.js";

/** The window occurrences running at instant `at` whose scope applies to `subject` (all windows when it is empty). */
export function activeWindows(
  calendars: readonly NamedCalendar[],
  at: number,
  subject: ScopeSubject = {},
): readonly WindowOccurrence[] {
  const index = indexCalendars(calendars, { start: at, end: at + 1 });
  return index.windows
    .filter((e) => scopeApplies(e.window.spec.scope, subject))
    .flatMap((e) => e.occurrences.filter((o) => o.start <= at && at < o.end));
}
